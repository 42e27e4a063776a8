"""A crafted link in a real browser: its Markdown and HTML stay text — no image is
fetched from the attacker's address, no link of theirs appears, on the page or in
the charts."""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from test_hostile_text import EVIL, HOSTILE, table_with_hostile_names

from nnviz.app.urlstate import encode_table

from .conftest import screenshot, wait_idle


def test_a_hostile_link_fetches_nothing_and_links_nowhere(browser, app_server):
    params = {
        "dataset": "custom",
        "table": encode_table(table_with_hostile_names(classes=False)),
        HOSTILE[1]: HOSTILE[0],
        "learning_rate": HOSTILE[2],
        "hidden": HOSTILE[3],
    }
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{app_server}/?{urlencode(params)}", wait_until="domcontentloaded")
        page.wait_for_selector(".nnviz-live-chart .main-svg", timeout=60_000)
        wait_idle(page)
        time.sleep(1.0)
        assert not [u for u in requests if EVIL in (urlsplit(u).hostname or "")], requests
        assert (
            page.locator(
                f"img[src*='{EVIL}'], a[href*='{EVIL}'], script:not([src]):has-text('alert')"
            ).count()
            == 0
        )
        # the notes name the bad parameters, as text
        assert EVIL in page.locator("[data-testid='stAlert']").first.inner_text()
        # the charts carry the column names as text
        names = page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].map(e => e.innerHTML)"
            ".join(' ')"
        )
        assert "Session expired" in names and f'href="https://{EVIL}' not in names
        screenshot(page, "hostile-link")
    finally:
        context.close()


# ---------------------------------------------------------------------------- heavy actions
LARGEST = "?dataset=circle&points=5000&train_ratio=0.9&hidden=16-16-16-16-16-16"
PROGRESS = "[data-testid='stProgress']"


def test_step_1000_on_the_largest_run_goes_on_in_chunks_and_stops(browser, app_server):
    """Step ×1000 on the largest network and table: a progress bar that moves in chunks
    while another session's Step answers, and a Stop that ends it where it is."""
    from .test_explorer import POLL_MS, button, iteration, no_exception, wait_iteration, wait_ready

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    heavy = context.new_page()
    other = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    try:
        heavy.goto(app_server + "/" + LARGEST, wait_until="domcontentloaded")
        wait_ready(heavy)
        other.goto(app_server, wait_until="domcontentloaded")
        wait_ready(other)
        heavy.locator(".st-key-step_n_count").click()
        heavy.get_by_role("option", name="×1000").click()
        wait_idle(heavy)
        button(heavy, "Step ×N").click()
        bar = heavy.locator(PROGRESS)
        bar.wait_for(timeout=POLL_MS)
        first = iteration(heavy)
        # the run goes on by itself, chunk after chunk, the bar with it
        heavy.wait_for_function(
            "([sel, v]) => +document.querySelector(sel).innerText.replace(/,/g, '') > v + 20",
            arg=["[data-nnviz-metric='iteration'] .value", first],
            timeout=POLL_MS,
        )
        assert "of 1,000 steps" in bar.inner_text()
        # another session's Step is answered meanwhile
        button(other, "Step").click()
        wait_iteration(other, 1)
        heavy.mouse.move(1, 1)
        for width, height in ((1280, 720), (1024, 768), (1440, 900)):
            heavy.set_viewport_size({"width": width, "height": height})
            time.sleep(0.5)
            screenshot(heavy, f"job-step-1000-{width}")
        button(heavy, "Stop stepping").click()
        bar.wait_for(state="detached", timeout=POLL_MS)
        stopped = iteration(heavy)
        time.sleep(1.0)
        assert iteration(heavy) == stopped < 1000
        assert f"stopped after {stopped:,} of 1,000 steps" in heavy.locator("body").inner_text()
        no_exception(heavy)
        no_exception(other)
    finally:
        context.close()
        other.context.close()
