"""The Lessons, Loss landscape and Metrics tabs in a real browser, at a projector's
1280×720 with the sidebar open (the narrowest screen they are made for; what they
compute is tested without a browser, in tests/test_app_lessons.py,
tests/test_app_landscape.py and tests/test_app_metrics.py): each draws without an
exception, its charts hold data, nothing is clipped sideways, and a screenshot of what
is on screen goes to tests/screenshots/ (``views-<tab>-1280.png``)."""

from __future__ import annotations

from .conftest import ITERATION, NUMBER, rerun, screenshot, wait_idle, wait_still

SIZE = "1280"
VIEWPORT = {"width": 1280, "height": 720}
EXCEPTION = "[data-testid='stException']"
TABS = "[data-testid='stTabs']"
POLL_MS = 30_000

# A keyed Plotly chart: its trace names and whether it fits its column.
CHART_JS = """key => {
  const el = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!el || !el._fullLayout) return null;
  const box = el.getBoundingClientRect();
  const col = el.closest('[data-testid="stColumn"]') || el.closest('[data-testid="stTabs"]');
  const limit = col ? col.getBoundingClientRect() : box;
  return {
    names: (el.data || []).map(d => d.name || ''),
    types: (el.data || []).map(d => d.type || ''),
    width: box.width, height: box.height,
    inside: box.left >= limit.left - 1 && box.right <= limit.right + 1,
  };
}"""
# Elements in the open tab whose text runs beyond their own box (cut off).
CLIPPED_JS = """() => [...document.querySelectorAll(
    '[data-testid="stTabs"] [data-testid="stMetricValue"], '
    + '[data-testid="stTabs"] [data-testid="stMetricLabel"], '
    + '[data-testid="stTabs"] [data-testid="stButton"] button p, '
    + '[data-testid="stTabs"] h3')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText)"""


def open_app(browser, app_server, query: str = ""):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(app_server + query, wait_until="domcontentloaded")
    page.wait_for_selector(NUMBER, timeout=POLL_MS)
    wait_idle(page)
    return context, page


def click(page, name: str) -> None:
    rerun(page, page.get_by_role("button", name=name, exact=True).click)


def click_key(page, key: str) -> None:
    rerun(page, page.locator(f".st-key-{key} button").first.click)


def open_tab(page, name: str) -> None:
    rerun(page, page.get_by_role("tab", name=name, exact=True).click)


def chart(page, key: str, timeout: float = POLL_MS) -> dict:
    page.wait_for_function(
        "key => { const el = document.querySelector("
        "`.st-key-${key} .js-plotly-plot`);"
        " return el && el.data && el.data.length; }",
        arg=key,
        timeout=timeout,
    )
    return page.evaluate(CHART_JS, key)


def check_page(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    clipped = page.evaluate(CLIPPED_JS)
    assert clipped == [], clipped


def shot(page, selector: str, name: str) -> None:
    """What is on screen with ``selector`` scrolled to the top of the view."""
    page.mouse.move(1, 1)  # no hover label in the shot
    page.locator(selector).first.evaluate(
        "e => { e.scrollIntoView({block: 'start'});"
        " const main = document.querySelector(\"[data-testid='stMain']\");"
        " if (main) main.scrollBy(0, -70); }"
    )  # clear of the page's header
    wait_still(page)
    screenshot(page, name).stat()


def test_lessons_walk_on_the_live_network(browser, app_server):
    context, page = open_app(browser, app_server)
    try:
        open_tab(page, "Lessons")
        chart(page, "lesson_matrix_0")
        check_page(page)
        shot(page, TABS, f"views-lessons-start-{SIZE}")
        click_key(page, "lesson_run")  # load seed 002's network
        for _ in range(5):  # to "Adjusting the weights": four matrices, two per row
            click_key(page, "lesson_next")
        page.wait_for_selector("h3:has-text('6. Adjusting the weights')", timeout=POLL_MS)
        for k in range(4):
            c = chart(page, f"lesson_matrix_{k}")
            assert c["inside"] and c["width"] > 200, (k, c)
        check_page(page)
        shot(page, ".st-key-lesson_step", f"views-lessons-adjust-{SIZE}")
        click_key(page, "lesson_next")  # train 1000 times
        click_key(page, "lesson_run")
        page.wait_for_function(
            "sel => document.querySelector(sel).innerText.replace(/,/g, '') === '1000'",
            arg=ITERATION,
            timeout=POLL_MS,
        )
        click_key(page, "lesson_next")
        page.wait_for_selector("text=points", timeout=POLL_MS)
        points = float(
            page.locator("[data-testid='stTabs'] [data-testid='stMetricValue']", has_text="points")
            .inner_text()
            .split()[0]
        )
        assert 80 <= points <= 100
        check_page(page)
        shot(page, ".st-key-lesson_step", f"views-lessons-predict-{SIZE}")
        # the three-bit lesson's widest step: three 6×5 / 3×5 matrices
        rerun(page, page.get_by_text("Three bits", exact=False).first.click)
        click_key(page, "lesson_run")
        for _ in range(8):
            click_key(page, "lesson_next")
        page.wait_for_selector("h3:has-text('9. Step 6')", timeout=POLL_MS)
        chart(page, "lesson_matrix_2")
        check_page(page)
        shot(page, ".st-key-lesson_step", f"views-lessons-step6-{SIZE}")
    finally:
        context.close()


def test_loss_landscape_with_the_runs_path(browser, app_server):
    context, page = open_app(browser, app_server, "?dataset=three_bits")
    try:
        click(page, "Step ×N")  # 100 steps: a path to draw
        open_tab(page, "Loss landscape")
        c = chart(page, "landscape_chart")
        assert c["names"][:1] == ["loss"] and "path" in c["names"], c
        assert "current weights" in c["names"] and c["inside"] and c["height"] >= 400
        check_page(page)
        shot(page, ".st-key-landscape_directions", f"views-landscape-{SIZE}")
        rerun(page, page.locator(".st-key-landscape_3d label").click)
        page.wait_for_function(
            "() => { const el = document.querySelector("
            "'.st-key-landscape_chart .js-plotly-plot');"
            " return el && el.data && el.data[0].type === 'surface'; }",
            timeout=POLL_MS,
        )
        check_page(page)
        shot(page, ".st-key-landscape_directions", f"views-landscape-3d-{SIZE}")
    finally:
        context.close()


def test_metrics_confusion_matrices_and_regression(browser, app_server):
    context, page = open_app(browser, app_server, "?dataset=blobs3")
    try:
        click(page, "Step ×N")
        open_tab(page, "Metrics")
        for split in ("train", "test"):
            c = chart(page, f"confusion_{split}")
            assert c["types"] == ["heatmap"] and c["inside"], c
        check_page(page)
        shot(page, TABS, f"views-metrics-classes-{SIZE}")
    finally:
        context.close()
    context, page = open_app(browser, app_server, "?dataset=sine")
    try:
        click(page, "Step ×N")
        open_tab(page, "Metrics")
        c = chart(page, "metrics_scatter")
        assert "train" in c["names"] and "test" in c["names"] and c["inside"], c
        check_page(page)
        shot(page, TABS, f"views-metrics-regression-{SIZE}")
    finally:
        context.close()
