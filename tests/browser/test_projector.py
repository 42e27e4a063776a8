"""The screen a lecturer projects: at 1280×720 with the sidebar open, the metrics, the
output plane and the network diagram are on screen without scrolling; no metric is
cut short; clicking an edge of the diagram opens its weight's editor."""

from __future__ import annotations

import time

import pytest

from .conftest import rerun, screenshot, wait_idle, wait_still

PROJECTOR = {"width": 1280, "height": 720}
METRIC = "[data-testid='stMetricValue']"  # a tab's st.metric (the Predict tab's)
# every number on the page: the live numbers and the tabs' st.metric
VALUES = f"{METRIC}, [data-nnviz-metric] .value"
LABELS = "[data-testid='stMetricLabel'], [data-nnviz-metric] .label"


def open_at(browser, url: str, viewport: dict, query: str = ""):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url + query, wait_until="domcontentloaded")
    page.wait_for_selector(".nnviz-live-chart .main-svg", timeout=60_000)
    wait_idle(page)
    wait_still(page)
    return context, page


def box(page, key: str) -> dict:
    return page.locator(f".st-key-{key} .nnviz-live-chart").first.bounding_box()


def step_n(page) -> None:
    rerun(page, page.get_by_role("button", name="Step ×N", exact=True).click)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?dataset=circle",
        "?dataset=spiral&hidden=8-8-8-8-8-8",
        "?dataset=blobs3",
        "?dataset=xor&hidden=0",
        "replay",
    ],
)
def test_the_plane_and_the_diagram_fit_a_projector(browser, app_server, query):
    replay = query == "replay"
    context, page = open_at(browser, app_server, PROJECTOR, "?dataset=circle" if replay else query)
    try:
        step_n(page)
        if replay:  # the replay slider sits in the control row: the charts stay up
            rerun(page, page.get_by_role("button", name="Replay", exact=True).click)
            page.wait_for_selector(".st-key-replay_at", timeout=30_000)
        page.mouse.move(1, 1)
        for key in ("plane_chart", "diagram_chart"):
            b = box(page, key)
            assert b is not None, key
            assert b["y"] >= 0 and b["y"] + b["height"] <= PROJECTOR["height"], (key, b)
            assert b["x"] + b["width"] <= PROJECTOR["width"], (key, b)
        assert box(page, "plane_chart")["width"] >= 400
        # no metric is cut short (its text fits its box)
        assert page.locator("[data-nnviz-metric]").count() == 6
        cut = page.evaluate(f"""() => [...document.querySelectorAll("{VALUES}")]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        assert cut == [], cut
        labels = page.evaluate(f"""() => [...document.querySelectorAll("{LABELS}")]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        assert labels == [], labels
        buttons = page.evaluate("""() => [...document.querySelectorAll(
            "[data-testid='stMain'] button p")].filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText)""")
        assert buttons == [], buttons
        name = query.replace("?", "").replace("&", "-").replace("=", "-") or "default"
        screenshot(page, f"projector-{name}")
    finally:
        context.close()


def test_clicking_an_edge_edits_its_weight_and_the_prediction_follows(browser, app_server):
    context, page = open_at(browser, app_server, {"width": 1440, "height": 900})
    try:
        page.get_by_role("tab", name="Predict", exact=True).click()
        page.wait_for_selector("text=Predicted test_score", timeout=30_000)
        wait_idle(page)
        before = page.locator(METRIC).last.inner_text()
        page.locator(".st-key-diagram_chart").scroll_into_view_if_needed()
        wait_still(page)
        # the screen position of W2[h1.1 → test_score]'s hover point
        x, y = page.evaluate("""() => {
            const el = document.querySelector('.st-key-diagram_chart .js-plotly-plot');
            const t = el._fullData.find(d => d.name === 'edges');
            const i = t.text.findIndex(s => s.startsWith('W2['));
            const L = el._fullLayout, r = el.getBoundingClientRect();
            return [r.left + L.margin.l + L.xaxis.l2p(t.x[i]),
                    r.top + L.margin.t + L.yaxis.l2p(t.y[i])];
        }""")
        page.mouse.move(x, y)
        time.sleep(0.3)
        page.mouse.click(x, y)
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=30_000)
        assert "W2[" in dialog.inner_text()
        field = dialog.locator("input").first
        field.fill("-4")
        field.press("Enter")
        time.sleep(0.3)
        dialog.get_by_role("button", name="Set", exact=True).click()
        dialog.wait_for(state="detached", timeout=30_000)
        wait_idle(page)
        page.wait_for_function(
            'before => { const m = [...document.querySelectorAll("' + METRIC + '")];'
            " return m.length && m[m.length - 1].innerText !== before; }",
            arg=before,
            timeout=30_000,
        )
        assert page.locator(METRIC).last.inner_text() != before
        screenshot(page, "edge-edited")
    finally:
        context.close()


def test_presentation_mode_hides_the_sidebar_and_enlarges_the_text(browser, app_server):
    context, page = open_at(browser, app_server, PROJECTOR, "?presentation=1")
    try:
        assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "20px"
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.get_attribute("data-collapsed") == "true"
        assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0
        assert "presentation=1" in page.url
        screenshot(page, "projector-presentation")
    finally:
        context.close()
