"""Derived input features in a real browser: the playground's toggles in the sidebar.

On ``circle``: click the X1² and X2² pills, step, and the diagram has the two feature
input nodes while the output plane is still drawn over (x1, x2). The sidebar's pills and
the feature box stay inside the sidebar.
"""

from __future__ import annotations

from .conftest import SCREENSHOTS, rerun, screenshot, wait_idle
from .test_explorer import POLL_MS, button, no_exception, wait_iteration, wait_ready
from .test_inspect_replay_compare import chart, poll

PILLS = ".st-key-feature_toggles"

# The diagram's node labels (annotations) and the plane's heat layer, as plain data.
DIAGRAM_LABELS_JS = """() => {
  const el = document.querySelector('.st-key-diagram_chart .js-plotly-plot');
  return el && el._fullLayout ? (el._fullLayout.annotations || []).map(a => String(a.text))
                              : [];
}"""
PLANE_JS = """() => {
  const el = document.querySelector('.st-key-plane_chart .js-plotly-plot');
  if (!el || !el.data) return null;
  const heat = el.data.find(d => d.type === 'heatmap' || d.type === 'contour');
  if (!heat) return null;
  const flat = v => (v == null) ? [] : (v._inputArray !== undefined) ? flat(v._inputArray)
    : (ArrayBuffer.isView(v) || Array.isArray(v)) ? Array.from(v, flat).flat() : [v];
  const z = flat(heat.z);
  const L = el._fullLayout;
  return {cells: z.length, finite: z.filter(Number.isFinite).length,
          x: L.xaxis.title.text, y: L.yaxis.title.text};
}"""
# Anything in the sidebar's features block that reaches past the sidebar's right edge.
OVERFLOW_JS = """() => {
  const side = document.querySelector("[data-testid='stSidebarContent']");
  const right = side.getBoundingClientRect().right;
  const parts = [...document.querySelectorAll(
    ".st-key-feature_toggles button, .st-key-features, .st-key-new_feature, .st-key-add_feature")];
  return {count: parts.length,
          over: parts.filter(e => e.getBoundingClientRect().right > right + 0.5)
                     .map(e => e.innerText),
          scroll: side.scrollWidth - side.clientWidth};
}"""


def pill(page, label: str):
    return page.locator(f"{PILLS} button", has_text=label).first


def click_pill(page, label: str) -> None:
    rerun(page, pill(page, label).click)


def test_the_playground_toggles_add_feature_nodes_and_the_plane_still_draws(page):
    # the default data set's long column names fit too
    wait_ready(page)
    labels = [t.strip() for t in page.locator(f"{PILLS} button").all_inner_texts()]
    assert "hours_studied·hours_slept" in labels, labels
    fit = page.evaluate(OVERFLOW_JS)
    assert fit["count"] >= 10 and fit["over"] == [] and fit["scroll"] <= 0, fit
    page.locator("[data-testid='stSidebar']").screenshot(
        path=str(SCREENSHOTS / "features_sidebar_exam.png")
    )
    page.goto(page.url.split("?")[0] + "?dataset=circle", wait_until="domcontentloaded")
    wait_ready(page)
    # the sidebar's toggles come with the data set's own inputs (a busy page draws them
    # after the charts)
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].some(b => b.innerText.trim() === 'x1')",
        arg=f"{PILLS} button",
        timeout=POLL_MS,
    )
    labels = page.locator(f"{PILLS} button").all_inner_texts()
    assert [t.strip() for t in labels if t.strip()] == [
        "x1",
        "x2",
        "x1²",
        "x2²",
        "x1·x2",
        "sin x1",
        "sin x2",
    ], labels
    fit = page.evaluate(OVERFLOW_JS)
    assert fit["count"] >= 10 and fit["over"] == [] and fit["scroll"] <= 0, fit
    click_pill(page, "x1²")
    poll(lambda: "x1**2" in page.evaluate(DIAGRAM_LABELS_JS))
    click_pill(page, "x2²")
    poll(lambda: "x2**2" in page.evaluate(DIAGRAM_LABELS_JS))
    button(page, "Step ×N").click()  # ×100
    wait_iteration(page, 100)
    wait_idle(page)
    no_exception(page)
    names = page.evaluate(DIAGRAM_LABELS_JS)
    for name in ("x1", "x2", "x1**2", "x2**2"):
        assert name in names, names
    plane = poll(lambda: page.evaluate(PLANE_JS))
    assert plane and plane["cells"] >= 400 and plane["finite"] == plane["cells"], plane
    assert (plane["x"], plane["y"]) == ("x1", "x2")
    assert chart(page, "plane_chart")["visible"]
    # the features' chips in the sidebar, the URL carries them
    chips = page.locator(".st-key-features").inner_text()
    assert "x1**2" in chips and "x2**2" in chips, chips
    page.wait_for_function("() => location.search.includes('features=')", timeout=POLL_MS)
    fit = page.evaluate(OVERFLOW_JS)
    assert fit["over"] == [] and fit["scroll"] <= 0, fit
    page.mouse.move(1, 1)
    screenshot(page, "features_circle")
    side = page.locator("[data-testid='stSidebar']")
    side.screenshot(path=str(SCREENSHOTS / "features_sidebar.png"))
