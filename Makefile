.PHONY: run test lint bench

# Start the app at http://localhost:8501 (sets up .venv on first use).
run:
	@bash scripts/setup.sh
	exec .venv/bin/streamlit run app.py

# Run every test; installs Debian's chromium with apt for the browser tests.
test:
	@bash scripts/setup.sh --browser
	.venv/bin/python -m pytest $(ARGS)

lint:
	@bash scripts/setup.sh --dev
	.venv/bin/ruff check .

bench:
	@bash scripts/setup.sh
	.venv/bin/python benchmarks/bench_core.py
