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
