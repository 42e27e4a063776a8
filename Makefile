.PHONY: run test lint format bench lock serve

# The Python that creates .venv (3.11 or newer), e.g. make run PYTHON=python3.12
export PYTHON ?= python3
PORT ?= 8501

# Start the app at http://localhost:8501 (make run PORT=8600 for another port);
# sets up .venv on first use.
run:
	@bash scripts/run.sh $(PORT)

# Run every test; adds the test extra (pytest, playwright) to .venv and installs Debian's
# chromium, nginx and postgresql with apt for the browser tests, the test of make serve and
# the run store's tests on PostgreSQL.
test:
	@bash scripts/setup.sh --test --browser --serve --postgres
	.venv/bin/python -m pytest $(ARGS)

# Serve a classroom: REPLICAS Streamlit processes (default 2) behind nginx at PORT, with
# sticky sessions (make serve REPLICAS=4 PORT=8080); installs Debian's nginx with apt.
REPLICAS ?= 2
serve:
	@bash scripts/serve.sh --replicas $(REPLICAS) --port $(PORT)

# ruff: the lint rules (McCabe complexity at most 12 per function among them) and the code
# format, both from pyproject.toml; make format rewrites the files in that format. Both add
# the dev extra (ruff) to .venv.
lint:
	@bash scripts/setup.sh --dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	@bash scripts/setup.sh --dev
	.venv/bin/ruff format .

bench:
	@bash scripts/setup.sh
	.venv/bin/python benchmarks/bench_core.py

# Regenerate requirements.lock from pyproject.toml: the exact versions, with hashes, of
# everything setup.sh installs (the dependencies, the test and dev extras and the build
# backend; each command installs its part, scripts/lockset.py), for every Python from 3.11
# and every platform. Versions already in the lock are kept while they still fit
# pyproject.toml; UPGRADE=1 moves everything to the newest,
# UPGRADE="streamlit plotly" only those. The tool runs from a venv of its own, outside
# the project; its version is pinned so that every run writes the same format.
LOCK_TOOL = uv==0.13.9
LOCK_TOOL_VENV ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nnviz/lock-tool-$(subst ==,-,$(LOCK_TOOL))
# The lowest Python the pinned versions support (Streamlit 1.67, pandas 3 and numpy 2.4
# need 3.11; scripts/setup.sh checks it) and [build-system] requires in pyproject.toml.
LOCK_PYTHON = 3.11
BUILD_REQUIRES = setuptools>=64
UPGRADE ?=

lock:
	@test -x "$(LOCK_TOOL_VENV)/bin/uv" || { \
		echo "nnviz lock: installing $(LOCK_TOOL) into $(LOCK_TOOL_VENV)" >&2 && \
		$(PYTHON) -m venv "$(LOCK_TOOL_VENV)" && \
		"$(LOCK_TOOL_VENV)/bin/python" -m pip install -q --disable-pip-version-check \
			--no-input "$(LOCK_TOOL)" </dev/null; }
	@echo "nnviz lock: resolving pyproject.toml into requirements.lock" >&2
	printf '%s\n' '$(BUILD_REQUIRES)' | "$(LOCK_TOOL_VENV)/bin/uv" pip compile \
		pyproject.toml - --extra test --extra dev \
		--universal --python-version $(LOCK_PYTHON) --generate-hashes \
		--custom-compile-command 'make lock' --quiet -o requirements.lock \
		$(if $(filter 1 all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p)))
	@echo "nnviz lock: done; run 'make test' with it (setup.sh installs it) before committing requirements.lock" >&2
