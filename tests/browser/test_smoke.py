"""The app starts, renders and shows no exception."""

from playwright.sync_api import expect

from .conftest import screenshot


def test_page_loads(page):
    expect(page.get_by_role("heading", name="nnviz")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    path = screenshot(page, "smoke")
    assert path.stat().st_size > 0
