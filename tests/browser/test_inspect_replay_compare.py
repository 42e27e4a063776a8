"""Beyond the live view, in a real browser: the backprop inspector, replay and compare runs.

Each test gets a fresh page (a fresh Streamlit session on the default data set: Exam
scores, 2 inputs → 3 sigmoid → 1 sigmoid, seed 0, plain SGD). Nothing plays here, so
every action is followed by waiting for the value it should change, then for idle.

Charts are found by their Streamlit key (the element carries the class ``st-key-<key>``)
and read as Plotly data in the page: ``.js-plotly-plot`` → ``data`` / ``_fullLayout``.
"""

from __future__ import annotations

import json
import time

from playwright.sync_api import expect

from .conftest import rerun, screenshot, wait_idle, wait_still
from .test_explorer import (
    METRIC,
    POLL_MS,
    button,
    click_and_settle,
    iteration,
    no_exception,
    tall_screenshot,
    wait_iteration,
    wait_ready,
)

# A keyed Plotly chart as plain data: its title and, per trace, what it draws.
# Plotly may hold arrays as typed arrays (binary transport): ``plain`` flattens them.
CHART_JS = """key => {
  const el = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!el || !el._fullLayout) return null;
  const plain = v => (v == null) ? null
    : (v._inputArray !== undefined) ? plain(v._inputArray)
    : (ArrayBuffer.isView(v) || Array.isArray(v)) ? Array.from(v, plain)
    : (typeof v === 'number') ? Math.round(v * 1e6) / 1e6 : v;
  const t = el._fullLayout.title;
  return {
    title: t && t.text ? String(t.text) : '',
    visible: el.offsetParent !== null,
    traces: (el.data || []).map(d => ({
      name: d.name || '',
      mode: d.mode || '',
      customdata: plain(d.customdata),
      color: plain(d.line && d.line.color),
      x: plain(d.x),
      y: plain(d.y),
    })),
  };
}"""


# ----------------------------------------------------------------------------- helpers
def chart(page, key: str) -> dict | None:
    return page.evaluate(CHART_JS, key)


def chart_title(page, key: str) -> str:
    c = chart(page, key)
    return c["title"] if c else ""


def wait_title_change(page, key: str, before: str) -> str:
    """Wait until the chart ``key`` is drawn with a title other than ``before``; return it."""
    page.wait_for_function(
        "([key, before]) => { const el = document.querySelector(`.st-key-${key} .js-plotly-plot`);"
        " const t = el && el._fullLayout && el._fullLayout.title;"
        " return !!(t && t.text && String(t.text) !== before); }",
        arg=[key, before],
        timeout=POLL_MS,
    )
    return chart_title(page, key)


def wait_title_contains(page, key: str, text: str) -> str:
    page.wait_for_function(
        "([key, text]) => { const el = document.querySelector(`.st-key-${key} .js-plotly-plot`);"
        " const t = el && el._fullLayout && el._fullLayout.title;"
        " return !!(t && t.text && String(t.text).includes(text)); }",
        arg=[key, text],
        timeout=POLL_MS,
    )
    return chart_title(page, key)


def poll(fn, timeout: float = POLL_MS / 1000):
    """Call ``fn`` until it returns something truthy (or the time is up); return that."""
    deadline = time.monotonic() + timeout
    while not (value := fn()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def chart_traces(page, key: str = "compare_chart") -> list:
    c = chart(page, key)
    return [(t["name"], len(t["x"] or ())) for t in c["traces"]] if c else []


def signature(c: dict) -> str:
    """What a diagram draws, as one comparable string: edges' colours, hover values."""
    return json.dumps([(t["customdata"], t["color"]) for t in c["traces"]])


def step_n(page, n: int = 100) -> None:
    """Step ×N with N chosen in the control bar's selectbox (default 100)."""
    if n != 100:
        page.locator(".st-key-step_n_count").click()
        page.get_by_role("option", name=f"×{n}", exact=True).click()
        time.sleep(0.2)
        wait_idle(page)
    before = iteration(page)
    button(page, "Step ×N").click()
    wait_iteration(page, before + n)
    wait_idle(page)


def open_tab(page, name: str) -> None:
    rerun(page, page.get_by_role("tab", name=name, exact=True).click)
    wait_still(page)  # the tab's charts resize once visible


def slider(page, key: str):
    """A Streamlit 1.67 (select_)slider's thumb: a react-aria ``<input type=range>``
    (visually hidden; ``aria-valuetext`` is the shown value, ``value`` its index)."""
    return page.locator(f".st-key-{key} input[type='range']")


def slider_key(page, key: str, press: str) -> str:
    """One key on a Streamlit (select_)slider: each release reruns the app; wait for it.

    Returns the value the slider shows afterwards (its ``aria-valuetext``)."""
    thumb = slider(page, key)
    before = thumb.get_attribute("aria-valuetext")
    thumb.focus()
    thumb.press(press)
    page.wait_for_function(
        "([key, before]) => { const s = document.querySelector(`.st-key-${key} input[type=range]`);"
        " return s && s.getAttribute('aria-valuetext') !== before; }",
        arg=[key, before],
        timeout=POLL_MS,
    )
    time.sleep(0.3)  # the change is sent on release/debounce; let the rerun start
    wait_idle(page)
    return thumb.get_attribute("aria-valuetext") or ""


def shot(page, name: str, key: str | None = None) -> None:
    """A viewport shot with the element ``key`` scrolled into view (stMain scrolls)."""
    if key:
        page.locator(f".st-key-{key}").first.scroll_into_view_if_needed()
    page.mouse.move(1, 1)
    wait_still(page)
    screenshot(page, name)


# ----------------------------------------------------------------------------- tests
def test_inspector_steps_forward_loss_backward_and_back(page):
    wait_ready(page)
    step_n(page, 10)
    open_tab(page, "Backprop inspector")
    matrix = page.locator(".st-key-inspector_matrix .js-plotly-plot")
    matrix.scroll_into_view_if_needed(timeout=POLL_MS)
    first = wait_title_contains(page, "inspector_matrix", "Z₁")
    assert first.startswith("Z₁ = X · W₁"), first
    assert chart(page, "inspector_matrix")["visible"]
    assert chart_title(page, "inspector_diagram") == "Edges by weight"
    caption = page.get_by_text("taken apart", exact=False).first.inner_text()
    assert "iteration 10" in caption, caption
    shot(page, "beyond-01-inspector-forward", "inspector_diagram")

    # Next ×5 on the default 2-3-1 network: A₁, Z₂, A₂ (forward), L (loss), dL/dA₂ (backward).
    titles = [first]
    for _ in range(5):
        button(page, "Next").click()
        titles.append(wait_title_change(page, "inspector_matrix", titles[-1]))
        wait_idle(page)
    assert len(set(titles)) == len(titles), titles
    assert titles[1].startswith("A₁"), titles
    assert titles[4].startswith("L = "), titles
    assert titles[5].startswith("dL/dA₂"), titles
    assert chart_title(page, "inspector_diagram") == "Edges coloured by the gradient dL/dW"
    step_text = page.get_by_text("Backward pass · step 6", exact=False)
    assert step_text.count() == 1, "the step's heading does not say 'Backward pass · step 6'"
    # on a backward step every edge hover carries two numbers (gradient, weight)
    diag = chart(page, "inspector_diagram")
    pairs = [t["customdata"] for t in diag["traces"] if t["customdata"] and t["mode"] == "markers"]
    assert pairs and all(isinstance(v, list) and len(v) == 2 for v in pairs[0]), pairs[:1]
    no_exception(page)
    shot(page, "beyond-01-inspector-backward", "inspector_diagram")

    button(page, "Back").click()
    assert wait_title_change(page, "inspector_matrix", titles[5]) == titles[4]
    wait_idle(page)
    assert chart_title(page, "inspector_diagram") == "Edges by weight"
    no_exception(page)


def test_replay_slider_moves_every_view(page):
    wait_ready(page)
    step_n(page, 100)
    live = chart(page, "diagram_chart")
    assert live["title"].startswith("Iteration 100"), live["title"]

    click_and_settle(page, "Replay")
    thumb = slider(page, "replay_at")
    thumb.wait_for(state="attached", timeout=POLL_MS)
    assert iteration(page) == 100
    label = page.locator(".st-key-replay_at").inner_text()
    assert "Replaying iteration" in label, label

    for _ in range(3):
        shown = slider_key(page, "replay_at", "ArrowLeft")
        wait_iteration(page, int(shown.replace(",", "")))  # the metric follows the slider
    replayed = iteration(page)
    assert replayed < 100, f"the Iteration metric did not follow the replay slider: {replayed}"
    wait_title_contains(page, "diagram_chart", f"Iteration {replayed} ")
    diag = chart(page, "diagram_chart")
    assert signature(diag) != signature(live), "the diagram's edges did not change on replay"
    open_tab(page, "Weights")  # only the open tab is built: it draws the replayed weights
    heat = wait_title_contains(page, "heatmaps_chart", f"iteration {replayed}")
    assert f"iteration {replayed}" in heat, heat
    no_exception(page)
    shot(page, "beyond-02-replay-back", "replay_at")

    assert slider_key(page, "replay_at", "Home") == "0"
    wait_iteration(page, 0)
    wait_title_contains(page, "diagram_chart", "Iteration 0 ")
    assert signature(chart(page, "diagram_chart")) != signature(diag)
    shot(page, "beyond-02-replay-start", "replay_at")

    click_and_settle(page, "Live")
    wait_iteration(page, 100)
    assert page.locator(".st-key-replay_at").count() == 0, "the replay slider stayed"
    wait_title_contains(page, "diagram_chart", "Iteration 100 ")
    assert signature(chart(page, "diagram_chart")) == signature(live)
    no_exception(page)


def test_compare_overlays_a_kept_run_and_the_current_one(page):
    wait_ready(page)
    step_n(page, 100)
    open_tab(page, "Compare runs")
    page.locator(".st-key-compare_chart .js-plotly-plot").scroll_into_view_if_needed(
        timeout=POLL_MS
    )
    lr_before = slider(page, "learning_rate").get_attribute("aria-valuetext")

    click_and_settle(page, "Keep this run")
    wait_iteration(page, 0)  # a new run from the same initial weights
    lr_after = slider_key(page, "learning_rate", "ArrowRight")  # η 1 → 2
    assert lr_after != lr_before, (lr_before, lr_after)
    step_n(page, 100)

    def overlaid():
        c = chart(page, "compare_chart")
        current = [t for t in (c or {"traces": []})["traces"] if t["name"] == "current · train"]
        return c if current and len(current[0]["x"] or ()) > 50 else None

    c = poll(overlaid)
    assert c, f"the compare chart did not show the current run's 100 steps: {chart_traces(page)}"
    assert c["visible"]
    train = [t for t in c["traces"] if t["name"].endswith("· train")]
    names = [t["name"] for t in train]
    assert "run A · train" in names and "current · train" in names, names
    assert len(set(names)) == len(names) >= 2, names
    kept, current = (
        next(t for t in train if t["name"] == n) for n in ("run A · train", "current · train")
    )
    assert kept["color"] != current["color"], "kept and current runs share a colour"
    # same initial weights, so the same first loss; another learning rate, another curve
    assert kept["y"][0] == current["y"][0], (kept["y"][:3], current["y"][:3])
    assert kept["y"][10] != current["y"][10], "the learning-rate change did not reach training"

    # st.dataframe carries no st-key class: the runs table is the Compare tab's data frame
    table = (
        page.get_by_role("tabpanel")
        .filter(has=page.locator(".st-key-compare_chart"))
        .locator("[data-testid='stDataFrame']")
    )
    table.scroll_into_view_if_needed(timeout=POLL_MS)
    expect(table.locator("[data-testid='glide-cell-0-0']")).to_have_text("run A", timeout=POLL_MS)
    cells = table.locator("td[id^='glide-cell-']")
    ids = cells.evaluate_all("tds => tds.map(td => [td.id, td.innerText.trim()])")
    rows = {i.rsplit("-", 1)[1] for i, _ in ids}
    assert dict(ids).get("glide-cell-0-0") == "run A", ids[:5]
    assert dict(ids).get("glide-cell-0-1") == "current", ids[:10]  # the kept run, then this one
    assert rows == {"0", "1"}, f"the runs table has rows {sorted(rows)}: {ids}"
    assert iteration(page) == 100
    assert page.locator(METRIC).count() == 6  # the live numbers
    no_exception(page)
    shot(page, "beyond-03-compare", "compare_chart")
    tall_screenshot(page, "beyond-03-compare-page")
