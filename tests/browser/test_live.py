"""The live view's clock in a real browser: numbers that move with the frames, every
click honoured, and keys for a presenter.

The browser plays each chunk's frames out and asks for the next chunk; the Iteration
is an element of the page (``[data-nnviz-metric=iteration] .value``), sampled here on
every animation frame inside the page.
"""

from __future__ import annotations

import time

from playwright.sync_api import expect

from .conftest import ITERATION, screenshot, wait_idle, wait_still
from .test_explorer import (
    POLL_MS,
    button,
    frozen_within,
    iteration,
    no_exception,
    play_button,
    wait_iteration,
    wait_ready,
)

# The distinct texts the Iteration shows during ``ms``, sampled on every animation frame.
SAMPLE_JS = """([sel, ms]) => new Promise(done => {
  const seen = [];
  const t0 = performance.now();
  const look = () => {
    const v = document.querySelector(sel).innerText;
    if (seen[seen.length - 1] !== v) seen.push(v);
    if (performance.now() - t0 < ms) requestAnimationFrame(look); else done(seen);
  };
  look();
})"""


def shown(page) -> list[str]:
    return page.evaluate(SAMPLE_JS, [ITERATION, 1000])


def test_the_iteration_moves_with_the_frames_during_play(page):
    """Play on the default data set: the Iteration on screen takes at least 15
    distinct values in one second (a state per frame), always rising, and the numbers
    are text in the page's own document, labelled as before."""
    wait_ready(page)
    labels = page.evaluate(
        "() => [...document.querySelectorAll('[data-nnviz-metric]')]"
        ".map(e => [e.dataset.nnvizMetric, e.querySelector('.label').innerText,"
        " e.querySelector('.value').innerText, e.getRootNode() === document])"
    )
    assert [label for _, label, _, _ in labels] == [
        "Iteration",
        "Train loss",
        "Test loss",
        "RMSE train",
        "RMSE test",
        "Steps / s",
    ]
    assert all(in_document for *_, in_document in labels)
    play_button(page, "Play").click()
    expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
    page.wait_for_function(
        "sel => +document.querySelector(sel).innerText.replace(/,/g, '') > 0",
        arg=ITERATION,
        timeout=POLL_MS,
    )
    time.sleep(1.0)  # past the first chunks
    best = []
    for _ in range(3):  # the machine is shared: the best of three seconds
        values = shown(page)
        best = max(best, values, key=len)
        if len(best) >= 15:
            break
    numbers = [int(v.replace(",", "")) for v in best]
    assert len(numbers) >= 15, f"the Iteration took {len(numbers)} values in 1 s: {best}"
    assert numbers == sorted(numbers), best
    page.mouse.move(1, 1)
    screenshot(page, "live-01-playing")
    play_button(page, "Pause").click()
    expect(play_button(page, "Play")).to_be_visible(timeout=5_000)
    assert frozen_within(page, 1.0)
    no_exception(page)


def test_two_clicks_on_step_make_two_steps(page):
    """No click is dropped: two clicks on Step 0.2 s apart are two steps, also right
    after a run of the live view (Play, then Pause)."""
    wait_ready(page)
    step = button(page, "Step")
    step.click()
    time.sleep(0.2)
    step.click()
    wait_iteration(page, 2)
    time.sleep(0.8)
    assert iteration(page) == 2
    play_button(page, "Play").click()
    expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
    time.sleep(0.7)
    play_button(page, "Pause").click()
    expect(play_button(page, "Play")).to_be_visible(timeout=5_000)
    assert frozen_within(page, 1.0)
    paused = iteration(page)
    step.click()
    time.sleep(0.2)
    step.click()
    wait_iteration(page, paused + 2)
    time.sleep(0.8)
    assert iteration(page) == paused + 2
    no_exception(page)


def test_keys_for_a_presenter(page):
    """Space plays and pauses, Page Down and → step, ← steps back through the replay,
    R resets — and none of them acts while a text field has the focus. The keys are
    listed in the popover beside the controls."""
    wait_ready(page)
    page.mouse.click(700, 5)  # the page, not a control, has the focus
    page.keyboard.press("PageDown")
    wait_iteration(page, 1)
    page.keyboard.press("ArrowRight")
    wait_iteration(page, 2)
    page.keyboard.press("Space")
    expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
    page.wait_for_function(
        "sel => +document.querySelector(sel).innerText.replace(/,/g, '') > 100",
        arg=ITERATION,
        timeout=POLL_MS,
    )
    page.keyboard.press("Space")
    expect(play_button(page, "Play")).to_be_visible(timeout=5_000)
    assert frozen_within(page, 1.0)
    paused = iteration(page)
    assert paused > 100
    # a text field keeps its keys: R types an "r", Page Down does not step
    field = page.locator(".st-key-stop_at input").first
    field.click()
    page.keyboard.press("PageDown")
    page.keyboard.press("r")
    page.keyboard.press("Escape")
    time.sleep(0.8)
    assert iteration(page) == paused
    page.mouse.click(700, 5)
    page.keyboard.press("ArrowLeft")  # one recorded snapshot back: the replay
    page.wait_for_selector(".st-key-replay_at", timeout=POLL_MS)
    wait_idle(page)
    assert iteration(page) < paused
    page.keyboard.press("PageUp")
    page.mouse.click(700, 5)
    page.keyboard.press("r")
    wait_iteration(page, 0)
    page.wait_for_selector(".st-key-replay_at", state="detached", timeout=POLL_MS)
    # the help, once the reset's page run is drawn (its note with Undo moves the controls)
    wait_idle(page)
    wait_still(page)
    body = page.locator("[data-testid='stPopoverBody']")
    for _ in range(3):  # a click during a late rerun may land on a moving button
        page.locator("[data-testid='stPopover'] button").first.click()
        try:
            expect(body).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            wait_idle(page)
    expect(body).to_contain_text("Space", timeout=POLL_MS)
    for key in ("Page Down", "Page Up", "Reset", "Step back through the replay"):
        expect(body).to_contain_text(key)
    screenshot(page, "live-02-keys")
    no_exception(page)


# Each kind of live chart, by the link that shows it: the output plane and the neuron
# maps (two inputs), the fitted curve (one input), predictions against targets (a
# regression of three inputs), the weights as heatmaps (a classification of three).
KINDS = {
    "": ("plane_chart", "diagram_chart", "loss_chart", "thumbs_chart"),
    "?dataset=sine": ("curve_chart", "diagram_chart", "loss_chart"),
    "?dataset=three_bits&output_activation=linear&learning_rate=0.05": (
        "fit_chart",
        "diagram_chart",
        "loss_chart",
    ),
    "?dataset=three_bits": ("live_heatmaps_chart", "diagram_chart", "loss_chart"),
}
DRAWN_JS = """keys => keys.map(key => {
  const el = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  return el && el._fullData ? {
    key, types: [...new Set(el._fullData.map(t => t.type))],
    visible: el._fullData.filter(t => t.visible !== false).length,
    svg: !!el.querySelector('.main-svg'), draws: Number(el.dataset.draws || 0)} : {key};
})"""


def test_every_kind_of_live_chart_draws_with_the_cartesian_bundle(browser, app_server):
    """plotly.js's cartesian bundle draws every chart the live view shows (scatter and
    heatmap traces), whole and patched during Play, with no error in the console."""
    for query, keys in KINDS.items():
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda m, seen=errors: seen.append(m.text) if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
        try:
            page.goto(app_server + query, wait_until="domcontentloaded")
            page.wait_for_function(
                "keys => keys.every(k => document.querySelector(`.st-key-${k} .main-svg`))",
                arg=list(keys),
                timeout=POLL_MS,
            )
            wait_idle(page)
            drawn = page.evaluate(DRAWN_JS, list(keys))
            assert all(d.get("svg") and d["visible"] > 0 for d in drawn), (query, drawn)
            assert {t for d in drawn for t in d["types"]} <= {"scatter", "heatmap"}, drawn
            play_button(page, "Play").click()
            expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
            # play until every chart is redrawn (2 s on a quiet machine; a chart's cadence
            # stretches on a busy one), at most 30 s
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                now = page.evaluate(DRAWN_JS, list(keys))
                if all(a["draws"] > d["draws"] for a, d in zip(now, drawn)):
                    break
                time.sleep(0.25)
            play_button(page, "Pause").click()
            expect(play_button(page, "Play")).to_be_visible(timeout=5_000)
            time.sleep(0.5)
            after = page.evaluate(DRAWN_JS, list(keys))
            moved = [a["draws"] - d["draws"] for a, d in zip(after, drawn)]
            assert all(m >= 1 for m in moved), (query, moved)  # each patched at least once
            assert iteration(page) > 0
            assert not [e for e in errors if "plotly" in e.lower() or "trace type" in e], errors
            no_exception(page)
            name = query.replace("?dataset=", "").replace("&", "-").replace("=", "-") or "default"
            page.mouse.move(1, 1)
            screenshot(page, f"live-kinds-{name}")
        finally:
            context.close()
