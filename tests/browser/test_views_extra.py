"""The Lessons, Loss landscape and Metrics tabs in a real browser, at a laptop's 1440×900
and a projector's 1280×720 (the sidebar open): each draws without an exception, its
charts hold data, nothing is clipped sideways, and a screenshot of what is on screen
goes to tests/screenshots/ (``views-<tab>-<width>.png``)."""

from __future__ import annotations

import time

import pytest

from .conftest import ITERATION, NUMBER, screenshot, wait_idle

SIZES = {"1440": {"width": 1440, "height": 900}, "1280": {"width": 1280, "height": 720}}
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


def open_app(browser, app_server, size: str, query: str = ""):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(app_server + query, wait_until="domcontentloaded")
    page.wait_for_selector(NUMBER, timeout=POLL_MS)
    wait_idle(page)
    return context, page


def settle(page) -> None:
    time.sleep(0.3)  # let the rerun start before waiting for idle
    wait_idle(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    settle(page)


def click_key(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    settle(page)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    settle(page)


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
    time.sleep(0.6)
    screenshot(page, name).stat()


@pytest.mark.parametrize("size", list(SIZES))
def test_lessons_walk_on_the_live_network(browser, app_server, size):
    context, page = open_app(browser, app_server, size)
    try:
        open_tab(page, "Lessons")
        chart(page, "lesson_matrix_0")
        check_page(page)
        shot(page, TABS, f"views-lessons-start-{size}")
        click_key(page, "lesson_run")  # load seed 002's network
        for _ in range(5):  # to "Adjusting the weights": four matrices, two per row
            click_key(page, "lesson_next")
        page.wait_for_selector("h3:has-text('6. Adjusting the weights')", timeout=POLL_MS)
        for k in range(4):
            c = chart(page, f"lesson_matrix_{k}")
            assert c["inside"] and c["width"] > 200, (k, c)
        check_page(page)
        shot(page, ".st-key-lesson_step", f"views-lessons-adjust-{size}")
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
        shot(page, ".st-key-lesson_step", f"views-lessons-predict-{size}")
        # the three-bit lesson's widest step: three 6×5 / 3×5 matrices
        page.get_by_text("Three bits", exact=False).first.click()
        settle(page)
        click_key(page, "lesson_run")
        for _ in range(8):
            click_key(page, "lesson_next")
        page.wait_for_selector("h3:has-text('9. Step 6')", timeout=POLL_MS)
        chart(page, "lesson_matrix_2")
        check_page(page)
        shot(page, ".st-key-lesson_step", f"views-lessons-step6-{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_loss_landscape_with_the_runs_path(browser, app_server, size):
    context, page = open_app(browser, app_server, size, "?dataset=three_bits")
    try:
        click(page, "Step ×N")  # 100 steps: a path to draw
        open_tab(page, "Loss landscape")
        c = chart(page, "landscape_chart")
        assert c["names"][:1] == ["loss"] and "path" in c["names"], c
        assert "current weights" in c["names"] and c["inside"] and c["height"] >= 400
        check_page(page)
        shot(page, ".st-key-landscape_directions", f"views-landscape-{size}")
        page.locator(".st-key-landscape_3d label").click()
        settle(page)
        page.wait_for_function(
            "() => { const el = document.querySelector("
            "'.st-key-landscape_chart .js-plotly-plot');"
            " return el && el.data && el.data[0].type === 'surface'; }",
            timeout=POLL_MS,
        )
        check_page(page)
        shot(page, ".st-key-landscape_directions", f"views-landscape-3d-{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_metrics_confusion_matrices_and_regression(browser, app_server, size):
    context, page = open_app(browser, app_server, size, "?dataset=blobs3")
    try:
        click(page, "Step ×N")
        open_tab(page, "Metrics")
        for split in ("train", "test"):
            c = chart(page, f"confusion_{split}")
            assert c["types"] == ["heatmap"] and c["inside"], c
        check_page(page)
        shot(page, TABS, f"views-metrics-classes-{size}")
    finally:
        context.close()
    context, page = open_app(browser, app_server, size, "?dataset=sine")
    try:
        click(page, "Step ×N")
        open_tab(page, "Metrics")
        c = chart(page, "metrics_scatter")
        assert "train" in c["names"] and "test" in c["names"] and c["inside"], c
        check_page(page)
        shot(page, TABS, f"views-metrics-regression-{size}")
    finally:
        context.close()
