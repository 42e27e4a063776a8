"""The explorer in a real browser: load, Step, Play/Pause, a grid edit, the animation, presets.

Each test gets a fresh page, hence a fresh Streamlit session on the default data set
(Exam scores: 2 inputs → 3 sigmoid → 1 sigmoid, seed 0, three training rows).

While the live view plays, its fragment reruns several times a second and the app's
script state flips constantly, so these tests poll for values (the live numbers,
chart data, grid cells) instead of waiting for the app to be idle.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import ITERATION, NUMBER, SCREENSHOTS, screenshot, wait_idle

EXCEPTION = "[data-testid='stException']"
METRIC = NUMBER  # the live numbers' values, in order: Iteration, Train loss, …
GRID_CANVAS = "[data-testid='data-grid-canvas']"
# The app scrolls inside stMain, not the page: a whole-page shot needs a tall viewport.
TALL = {"width": 1600, "height": 2600}
POLL_MS = 30_000

# Plotly figures in the page, as plain data: title, trace count, sliders/frames if any.
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .map(el => {
    const L = el._fullLayout || {};
    const title = L.title && L.title.text;
    const s = (L.sliders || [])[0];
    return {
      title: title ? String(title) : '',
      traces: (el.data || []).length,
      visible: el.offsetParent !== null,
      sliderSteps: s ? s.steps.length : 0,
      sliderActive: s ? s.active : null,
      frames: (el._transitionData && el._transitionData._frames || []).length,
    };
  })"""

ANIMATION_ACTIVE_JS = """() => {
  const el = [...document.querySelectorAll('.js-plotly-plot')]
    .find(e => e._fullLayout && (e._fullLayout.sliders || []).length);
  return el ? el._fullLayout.sliders[0].active : null;
}"""


# ----------------------------------------------------------------------------- helpers
def metrics(page) -> list[str]:
    return page.locator(METRIC).all_inner_texts()


def iteration(page) -> int:
    return int(page.locator(ITERATION).inner_text().replace(",", ""))


def wait_iteration(page, value: int, timeout: float = POLL_MS) -> None:
    page.wait_for_function(
        "([sel, v]) => { const m = document.querySelector(sel);"
        " return m && m.innerText.replace(/,/g, '') === String(v); }",
        arg=[ITERATION, value],
        timeout=timeout,
    )


def wait_ready(page) -> None:
    """The first run is drawn: metrics and the live charts hold data."""
    page.wait_for_selector(METRIC, timeout=POLL_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(e => e.data && e.data.length).length >= 3",
        timeout=POLL_MS,
    )
    wait_idle(page)


def charts(page) -> list[dict]:
    return page.evaluate(CHARTS_JS)


def button(page, name: str):
    """A button by its exact label (``.st-key-x button`` may match two elements)."""
    return page.get_by_role("button", name=name, exact=True)


def play_button(page, label: str):
    """Play/Pause by its label; its Material icon's ligature ("play_arrow") may lead the name."""
    return page.get_by_role("button", name=re.compile(rf"(^|\W){label}$"))


def click_and_settle(page, name: str) -> None:
    button(page, name).click()
    time.sleep(0.2)  # let the rerun start before waiting for idle
    wait_idle(page)


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def tall_screenshot(page, name: str):
    """A shot of the whole page: temporarily a tall viewport (stMain scrolls, not the page)."""
    page.set_viewport_size(TALL)
    page.mouse.move(1, 1)  # no tooltip in the shot
    time.sleep(0.8)  # Plotly charts resize to the new width/height
    path = screenshot(page, name)
    page.set_viewport_size({"width": 1600, "height": 1000})
    return path


# --- the data grid (glide data grid: a canvas with an accessible <table> inside it)
def grid_column(page, name: str) -> int:
    """aria-colindex of the grid column headed ``name`` (glide-cell-<col>-<row> test ids)."""
    idx = page.evaluate(
        "name => { const th = [...document.querySelectorAll("
        "\"[data-testid='data-grid-canvas'] th[role=columnheader]\")]"
        ".find(h => h.innerText.trim() === name); return th ? +th.getAttribute('aria-colindex') : -1; }",
        name,
    )
    assert idx > 0, f"no grid column {name!r}"
    return idx


def wait_grid(page, column: str) -> None:
    """The grid is drawn and its accessible table has a header ``column`` and a first row."""
    page.locator(GRID_CANVAS).first.scroll_into_view_if_needed(timeout=POLL_MS)
    page.wait_for_function(
        "name => [...document.querySelectorAll(\"[data-testid='data-grid-canvas'] th\")]"
        ".some(h => h.innerText.trim() === name)"
        " && document.querySelector(\"[data-testid='glide-cell-1-0']\")",
        arg=column,
        timeout=POLL_MS,
    )


def grid_cell(page, col: int, row: int) -> str:
    return page.locator(f"[data-testid='glide-cell-{col}-{row}']").inner_text()


def selected_cell(page) -> tuple[int, int] | None:
    ident = page.evaluate(
        "() => { const td = document.querySelector("
        "\"[data-testid='data-grid-canvas'] td[aria-selected=true]\"); return td ? td.id : null; }"
    )
    m = re.fullmatch(r"glide-cell-(\d+)-(\d+)", ident or "")
    return (int(m[1]), int(m[2])) if m else None


def select_grid_cell(page, col: int, row: int) -> None:
    """Click the first cell of the first body row, then walk with the arrow keys to (col, row).

    The canvas has no per-cell boxes and column widths depend on the content, so the click
    aims just right of the row-marker column (≈ 35 px), in the first body row (the header
    and the rows are ≈ 35 px high); the accessible table then says which cell is selected.
    Glide drops a click that no pointer move preceded and arrow keys pressed in quick
    succession, so the walk waits for each move to show before the next key.
    """
    canvas = page.locator(GRID_CANVAS).first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box, "the data grid has no box"
    x, y = box["x"] + 60, box["y"] + 35 + 17
    page.mouse.move(x - 10, y - 5)
    time.sleep(0.2)
    page.mouse.click(x, y)
    deadline = time.monotonic() + 20
    at = None
    while at is None and time.monotonic() < deadline:
        time.sleep(0.1)
        at = selected_cell(page)
    while at is not None and at != (col, row) and time.monotonic() < deadline:
        if at[0] != col:
            key = "ArrowRight" if at[0] < col else "ArrowLeft"
        else:
            key = "ArrowDown" if at[1] < row else "ArrowUp"
        time.sleep(0.3)
        page.keyboard.press(key)
        moved = time.monotonic() + 2
        while selected_cell(page) == at and time.monotonic() < moved:
            time.sleep(0.1)
        at = selected_cell(page)
    assert at == (col, row), f"could not select grid cell {(col, row)}; selected {at}"


def edit_grid_cell(page, col: int, row: int, text: str) -> None:
    select_grid_cell(page, col, row)
    page.keyboard.press("Enter")  # opens the cell editor on the current value
    editor = page.locator("input.gdg-input, textarea.gdg-input").first
    editor.wait_for(timeout=5_000)
    editor.fill(text)
    page.keyboard.press("Enter")  # commits; the editor's on_change reruns the app


# ----------------------------------------------------------------------------- tests
def test_page_loads_with_charts_and_iteration_zero(page):
    wait_ready(page)
    no_exception(page)
    drawn = [c for c in charts(page) if c["traces"] > 0]
    assert len(drawn) >= 4, f"expected ≥ 4 Plotly charts with data, got {drawn}"
    assert iteration(page) == 0
    values = metrics(page)
    assert len(values) >= 5, values  # iteration, train loss, test loss, score, steps/s
    assert values[1] not in ("", "—", "nan"), f"train loss at iteration 0: {values[1]!r}"
    assert tall_screenshot(page, "explorer-01-loaded").stat().st_size > 0


def test_step_raises_iteration_and_changes_loss(page):
    wait_ready(page)
    loss_before = metrics(page)[1]
    button(page, "Step").click()
    wait_iteration(page, 1)
    page.wait_for_function(
        "before => { const m = document.querySelector(\"[data-nnviz-metric='train_loss'] .value\");"
        " return m && m.innerText !== before; }",
        arg=loss_before,
        timeout=POLL_MS,
    )
    wait_idle(page)
    no_exception(page)
    assert iteration(page) == 1
    assert metrics(page)[1] != loss_before
    titles = [c["title"] for c in charts(page)]
    assert any("Iteration 1" in t or "iteration 1" in t for t in titles), titles


TAG_CHARTS_JS = """() => [...document.querySelectorAll('.nnviz-live-chart')].map(el => {
  el.dataset.tagged = '1'; return Number(el.dataset.draws); })"""
LIVE_CHARTS_JS = """() => [...document.querySelectorAll('.nnviz-live-chart')].map(el => ({
  tagged: el.dataset.tagged === '1', draws: Number(el.dataset.draws),
  plot: el.classList.contains('js-plotly-plot')}))"""


def test_play_trains_in_place_and_pause_freezes(page):
    """Play updates the live charts in place: the chart nodes tagged before Play are the
    ones on screen after several chunks, each redrawn many times; the Iteration moves;
    Pause freezes it within a second."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    wait_ready(page)
    before = page.evaluate(TAG_CHARTS_JS)
    assert len(before) >= 4, before  # loss, plane, diagram, neuron maps
    play_button(page, "Play").click()
    expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
    # Playing: the count goes up, and keeps going up (more than one refresh).
    page.wait_for_function(
        "sel => +document.querySelector(sel).innerText.replace(/,/g, '') > 0",
        arg=ITERATION,
        timeout=POLL_MS,
    )
    first = iteration(page)
    # the plane and the neuron maps move about twice a second, and a busy page draws
    # its charts less often than that (the numbers first): play until three of them
    # have been redrawn three times, for 10 s at most
    deadline = time.monotonic() + 10
    redrawn = []
    while time.monotonic() < deadline:
        time.sleep(0.2)
        live = page.evaluate(LIVE_CHARTS_JS)
        redrawn = [c["draws"] - b for c, b in zip(live, before)]
        if iteration(page) > first + 300 and sum(d >= 3 for d in redrawn) >= 3:
            break
    second = iteration(page)
    assert second > first > 0, f"iteration did not keep rising while playing ({first} → {second})"
    live = page.evaluate(LIVE_CHARTS_JS)
    assert len(live) == len(before) and all(c["tagged"] and c["plot"] for c in live), (
        "a live chart was re-created during Play",
        live,
    )
    assert sum(d >= 3 for d in redrawn) >= 3, f"the charts did not update in place: {redrawn}"
    page.mouse.move(1, 1)
    screenshot(page, "explorer-03-playing")

    play_button(page, "Pause").click()
    expect(play_button(page, "Play")).to_be_visible(timeout=5_000)
    clicked = time.monotonic()
    last, stable_since = iteration(page), time.monotonic()
    while time.monotonic() - stable_since < 1.0 and time.monotonic() - clicked < 10:
        now = iteration(page)
        if now != last:
            last, stable_since = now, time.monotonic()
        time.sleep(0.02)
    assert stable_since - clicked < 1.0, (
        f"the iteration kept moving {stable_since - clicked:.2f} s after Pause"
    )
    paused_at = iteration(page)
    time.sleep(1.0)
    assert iteration(page) == paused_at, "the iteration kept moving after Pause"
    assert paused_at >= second
    no_exception(page)
    assert all(c["tagged"] for c in page.evaluate(LIVE_CHARTS_JS)), "Pause re-created a chart"
    # no message-cache miss (a "connection error" dialog) during the fast refreshes
    assert not [e for e in errors if "ForwardMsg" in e], errors
    screenshot(page, "explorer-03-paused")


def frozen_within(page, seconds: float) -> bool:
    """The Iteration metric stops moving within ``seconds`` (and stays for 0.8 s)."""
    start = time.monotonic()
    last, stable_since = iteration(page), start
    while time.monotonic() - start < seconds + 0.8:
        now = iteration(page)
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since >= 0.8:
            return stable_since - start < seconds
        time.sleep(0.02)
    return False


def test_every_pause_of_many_is_honoured(page):
    """Play and Pause in quick succession, again and again, at different moments of a
    refresh: each Pause stops the run (label and number), over one connection."""
    reconnects = []  # the page's websocket is open already: any new one is a reconnection
    page.on("websocket", lambda ws: reconnects.append(ws.url))
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    wait_ready(page)
    for cycle, playing_for in enumerate((0.3, 1.1, 0.55, 2.0, 0.15)):
        play_button(page, "Play").click()
        expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
        time.sleep(playing_for)
        play_button(page, "Pause").click()
        expect(play_button(page, "Play")).to_be_visible(timeout=5_000)
        assert frozen_within(page, 1.0), f"cycle {cycle}: the run went on after Pause"
    assert iteration(page) > 0
    assert not reconnects, "the page reconnected"
    assert not [e for e in errors if "ForwardMsg" in e], errors
    no_exception(page)


def wait_cell_change(page, col: int, row: int, before: str) -> str:
    page.wait_for_function(
        "([c, r, before]) => { const td = document.querySelector("
        "`[data-testid='glide-cell-${c}-${r}']`); return td && td.innerText !== before; }",
        arg=[col, row, before],
        timeout=POLL_MS,
    )
    return grid_cell(page, col, row)


def test_grid_edit_reaches_the_app(page):
    """Row 0's test_score 92 → 40 in the grid: the table, loss, error column and training follow.

    The grid is a canvas, but glide renders an accessible <table> inside it with a
    ``glide-cell-<col>-<row>`` test id per cell: the test reads the cells there. Checks,
    from direct to indirect: after the app's rerun the cell shows 40 (the edit was folded
    into the base table, which the editor is rebuilt from); at iteration 0 the train loss
    changed (same weights, new target) and the error column is prediction − 40; the output
    plane's training points carry the value 40; and trained for 100 steps, row 0's
    prediction ends well below where the same 100 steps from the same initial weights
    take it on the unedited table (the run is deterministic: seed 0, full batch).
    """
    wait_ready(page)
    page.get_by_role("tab", name="Data", exact=True).click()
    wait_grid(page, "test_score")
    target, pred, err = (grid_column(page, n) for n in ("test_score", "prediction", "error"))
    assert grid_cell(page, target, 0) == "92"
    pred_initial = grid_cell(page, pred, 0)

    # The reference: 100 steps on the unedited table, then Reset (same initial weights).
    button(page, "Step ×N").click()  # N = 100 by default
    wait_iteration(page, 100)
    unedited = wait_cell_change(page, pred, 0, pred_initial)
    pred_unedited = float(unedited)
    click_and_settle(page, "Reset")
    wait_iteration(page, 0)
    wait_grid(page, "test_score")
    assert wait_cell_change(page, pred, 0, unedited) == pred_initial, "Reset: other weights"
    loss_before = metrics(page)[1]

    edit_grid_cell(page, target, 0, "40")
    page.wait_for_function(
        "([c, before]) => { const td = document.querySelector(`[data-testid='glide-cell-${c}-0']`);"
        " const m = document.querySelector(\"[data-nnviz-metric='train_loss'] .value\");"
        " return td && td.innerText === '40' && m && m.innerText !== before; }",
        arg=[target, loss_before],
        timeout=POLL_MS,
    )
    wait_idle(page)
    no_exception(page)
    assert iteration(page) == 0
    assert grid_cell(page, pred, 0) == pred_initial
    assert float(grid_cell(page, err, 0)) == pytest.approx(float(pred_initial) - 40, abs=1e-6)
    colors = page.evaluate(
        """() => { const el = [...document.querySelectorAll('.js-plotly-plot')].find(e =>
             e._fullLayout && String((e._fullLayout.title || {}).text || '').startsWith('Output over'));
           const t = el && el._fullData.find(d => d.name === 'train');
           return t ? Array.from(t.marker.color) : null; }"""
    )
    assert colors is not None and 40 in colors, f"plane chart's training points: {colors}"
    page.mouse.move(1, 1)
    screenshot(page, "explorer-04-edited")

    button(page, "Step ×N").click()
    wait_iteration(page, 100)
    pred_edited = float(wait_cell_change(page, pred, 0, pred_initial))
    wait_idle(page)
    assert grid_cell(page, target, 0) == "40"
    assert pred_edited < pred_unedited - 5, (
        f"row 0's prediction after 100 steps: {pred_edited} with target 40, "
        f"{pred_unedited} with 92 — the edit did not reach training"
    )
    no_exception(page)
    page.mouse.move(1, 1)
    screenshot(page, "explorer-04-trained")


def test_animation_slider_moves(page):
    wait_ready(page)
    button(page, "Step ×N").click()
    wait_iteration(page, 100)
    wait_idle(page)
    page.get_by_role("tab", name=re.compile(r"^(Animation|Replay)$")).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(e => e._fullLayout && (e._fullLayout.sliders || []).length)",
        timeout=POLL_MS,
    )
    anim = next(c for c in charts(page) if c["sliderSteps"])
    assert anim["visible"], "the animation chart is not shown in its tab"
    assert anim["sliderSteps"] >= 2 and anim["frames"] >= 2, anim
    assert anim["sliderActive"] == 0, anim
    chart = (
        page.locator("[data-testid='stPlotlyChart']")
        .filter(has=page.locator(".slider-container"))
        .first
    )
    chart.scroll_into_view_if_needed()
    play = chart.locator(".updatemenu-button").filter(has_text="Play").first
    play.click()
    page.wait_for_function(f"() => ({ANIMATION_ACTIVE_JS})() > 2", timeout=POLL_MS)
    page.mouse.move(1, 1)
    chart.screenshot(path=str(SCREENSHOTS / "explorer-05-animation.png"))
    no_exception(page)


def test_preset_change_rebuilds(page):
    wait_ready(page)
    button(page, "Step").click()
    wait_iteration(page, 1)
    wait_idle(page)
    page.locator(".st-key-dataset").click()
    page.get_by_role("option", name="Exclusive or", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(e => e._fullLayout &&"
        " String((e._fullLayout.title || {}).text || '').startsWith('Output over (x1, x2)'))",
        timeout=POLL_MS,
    )
    wait_iteration(page, 0)
    wait_idle(page)
    no_exception(page)
    plane = next(c for c in charts(page) if c["title"].startswith("Output over (x1, x2)"))
    assert plane["traces"] >= 2, plane  # the output heatmap and the data points
    expect(page.get_by_role("combobox", name="Data set")).to_have_value("Exclusive or")
    tall_screenshot(page, "explorer-06-xor")
