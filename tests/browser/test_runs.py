"""Runs that last, in a real browser against ``streamlit run app.py`` with a SQLite file of
the test's own: Play saves as it goes, a reload of the page shows the same iteration and
loss, and so does the same address after the server process is restarted."""

from __future__ import annotations

import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from benchmarks import harness
from nnviz.app.store import RunStore, create_store_engine

from .conftest import APP, SCREENSHOTS, SERVER_START_TIMEOUT_S, VIEWPORT, screenshot, wait_idle
from .test_explorer import POLL_MS, button, iteration, no_exception, play_button, wait_ready

TRAIN_LOSS = "[data-nnviz-metric='train_loss'] .value"


@contextmanager
def server(url: str, name: str, **env: str):
    """``streamlit run app.py`` saving into the database at ``url`` (more environment in
    ``env``); yields its address."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with (
        open(SCREENSHOTS / f"streamlit-runs-{name}.log", "w+b") as log,
        harness.streamlit_server(
            APP, log, timeout=SERVER_START_TIMEOUT_S, env={"NNVIZ_DB_URL": url, **env}
        ) as (base, _proc),
    ):
        yield base


def run_of(page) -> str:
    found = parse_qs(urlsplit(page.url).query).get("run", [""])
    return found[0]


def shown(page) -> tuple[int, str]:
    return iteration(page), page.locator(TRAIN_LOSS).inner_text()


def settled(page) -> tuple[int, str]:
    """The numbers once the last chunk's frames have played out."""
    before = None
    for _ in range(50):
        now = shown(page)
        if now == before:
            return now
        before = now
        time.sleep(0.3)
    return before


@pytest.fixture
def db_url(tmp_path) -> str:
    return sa.URL.create("sqlite", database=str(tmp_path / "runs.sqlite")).render_as_string()


def test_play_reload_and_restart_bring_the_run_back(browser, db_url):
    store = RunStore(create_store_engine({"NNVIZ_DB_URL": db_url}))
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        with server(db_url, "first") as base:
            page.goto(base, wait_until="domcontentloaded")
            wait_ready(page)
            page.wait_for_function("() => location.search.includes('run=')", timeout=POLL_MS)
            ours = run_of(page)
            assert len(ours) == 24
            play_button(page, "Play").click()
            expect(play_button(page, "Pause")).to_be_visible(timeout=POLL_MS)
            # while playing, the run is saved every 2 s or so
            deadline = time.monotonic() + 30
            saved = []
            while time.monotonic() < deadline and len(set(saved)) < 3:
                info = store.list_runs([ours])
                saved.append(info[0].iteration if info else 0)
                time.sleep(0.5)
            assert len({s for s in saved if s}) >= 2, saved  # saved more than once in play
            play_button(page, "Pause").click()
            expect(play_button(page, "Play")).to_be_visible(timeout=POLL_MS)
            wait_idle(page)
            button(page, "Step").click()  # an action saves at once
            time.sleep(0.3)
            wait_idle(page)
            played = settled(page)
            assert played[0] > 1
            assert store.info(ours).iteration == played[0]
            address = page.url

            page.reload(wait_until="domcontentloaded")  # the browser's reload button
            wait_ready(page)
            assert settled(page) == played and run_of(page) == ours
            expect(page.get_by_text("Restored this run")).to_be_visible(timeout=POLL_MS)
            no_exception(page)
            for width, height in ((1024, 768), (1280, 720), (1440, 900)):
                page.set_viewport_size({"width": width, "height": height})
                page.mouse.move(1, 1)
                time.sleep(0.5)
                screenshot(page, f"runs-restored-{width}")
            page.set_viewport_size(VIEWPORT)
            # the Runs tab lists this run from the ids the browser keeps
            page.get_by_role("tab", name="Runs", exact=True).click()
            expect(page.get_by_text("this run", exact=True)).to_be_visible(timeout=POLL_MS)
            assert ours in page.evaluate("() => localStorage.getItem('nnviz.runs')")
            page.get_by_text("Runs opened in this browser").scroll_into_view_if_needed()
            screenshot(page, "runs-tab")

        with server(db_url, "restarted") as base:  # a new server process, the same database
            query = urlsplit(address).query
            page.goto(f"{base}/?{query}", wait_until="domcontentloaded")
            wait_ready(page)
            assert settled(page) == played and run_of(page) == ours
            no_exception(page)
            button(page, "Step").click()  # and it goes on saving under its id
            time.sleep(0.3)
            wait_idle(page)
            assert store.info(ours).iteration == played[0] + 1
    finally:
        context.close()


def test_a_published_run_opens_as_a_copy_and_a_wrong_passphrase_publishes_nothing(browser, db_url):
    """A lecturer publishes with the passphrase (a wrong one changes nothing); a student in
    another browser opens the gallery's run as a copy of their own, and their steps leave
    the published run as it was."""
    store = RunStore(create_store_engine({"NNVIZ_DB_URL": db_url}))
    lecturer = browser.new_context(viewport=VIEWPORT)
    student = browser.new_context(viewport=VIEWPORT)
    try:
        with server(db_url, "gallery", NNVIZ_PUBLISH_PASSPHRASE="owl and pussycat") as base:
            page = lecturer.new_page()
            page.goto(base, wait_until="domcontentloaded")
            wait_ready(page)
            for _ in range(3):
                button(page, "Step").click()
                time.sleep(0.3)
                wait_idle(page)
            prepared = settled(page)[0]
            assert prepared >= 1

            page.get_by_role("tab", name="Runs", exact=True).click()
            page.get_by_text("Publish this run to the gallery").click()
            page.get_by_label("Title").fill("Three steps on circle")
            page.get_by_label("Passphrase").fill("owl")
            page.get_by_role("button", name="Publish", exact=True).click()
            expect(page.get_by_text("Wrong passphrase: nothing was published.")).to_be_visible(
                timeout=POLL_MS
            )
            assert store.gallery() == []  # the wrong passphrase changed nothing

            page.get_by_label("Title").fill("Three steps on circle")
            page.get_by_label("Passphrase").fill("owl and pussycat")
            page.get_by_role("button", name="Publish", exact=True).click()
            expect(page.get_by_text("to the gallery: everyone here can open a copy")).to_be_visible(
                timeout=POLL_MS
            )
            published = store.gallery()
            assert [p.name for p in published] == ["Three steps on circle"]
            original = published[0]
            assert original.iteration == prepared
            no_exception(page)

            other = student.new_page()  # another browser: its own localStorage, its own run
            other.goto(base, wait_until="domcontentloaded")
            wait_ready(other)
            other.wait_for_function("() => location.search.includes('run=')", timeout=POLL_MS)
            own = run_of(other)  # the student's own new run, before the gallery's
            other.get_by_role("tab", name="Runs", exact=True).click()
            expect(other.get_by_text("Three steps on circle")).to_be_visible(timeout=POLL_MS)
            other.locator(f".st-key-gallery_run_{original.id} button").click()
            other.wait_for_function(
                "([own, published]) => { const run = new URLSearchParams(location.search)"
                ".get('run'); return run && run !== own && run !== published; }",
                arg=[own, original.id],
                timeout=POLL_MS,
            )
            wait_idle(other)
            copy = run_of(other)
            assert copy != original.id
            assert settled(other)[0] == prepared  # the published run's state, as a copy
            button(other, "Step").click()
            time.sleep(0.3)
            wait_idle(other)
            assert settled(other)[0] == prepared + 1
            assert store.info(copy).iteration == prepared + 1
            assert store.info(original.id).iteration == prepared  # the original unchanged
            no_exception(other)
            screenshot(other, "runs-gallery-copy")
    finally:
        lecturer.close()
        student.close()
