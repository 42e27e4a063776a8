"""Your own table, as a person brings it: a CSV of class names uploaded, one Step ×1000,
a test accuracy read off the page — and the proposed setup's note with its Undo."""

from __future__ import annotations

import numpy as np
import pandas as pd
from playwright.sync_api import expect

from .conftest import screenshot, wait_idle, wait_still
from .test_explorer import POLL_MS, button, no_exception, wait_iteration, wait_ready

SIZES = [(1024, 768), (1280, 720), (1440, 900)]


def species_csv(path) -> str:
    """150 flowers of three species, by name, two measurements each (no split column)."""
    rng = np.random.default_rng(7)
    kind = np.arange(150) % 3
    table = pd.DataFrame(
        {
            "petal_length": 1.5 + 2.6 * kind + rng.normal(0, 0.4, 150),
            "petal_width": 0.25 + 0.9 * kind + rng.normal(0, 0.2, 150),
            "species": np.array(["setosa", "versicolor", "virginica"])[kind],
        }
    )
    file = path / "flowers.csv"
    table.to_csv(file, index=False)
    return str(file)


def metric_value(page, label: str) -> str:
    """A live number by its label (``[data-nnviz-metric]``: a ``.label`` and a ``.value``)."""
    box = (
        page.locator("[data-nnviz-metric]").filter(has=page.locator(".label", has_text=label)).first
    )
    return box.locator(".value").inner_text()


def test_a_csv_of_class_names_learns_with_one_step_x1000(page, tmp_path):
    wait_ready(page)
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    uploader.set_input_files(species_csv(tmp_path))
    note = page.get_by_text("A setup for your table", exact=False).first
    expect(note).to_be_visible(timeout=POLL_MS)
    wait_idle(page)
    no_exception(page)
    page.locator(".st-key-step_n_count").click()
    page.get_by_role("option", name="×1000", exact=True).click()
    wait_idle(page)
    button(page, "Step ×N").click()
    wait_iteration(page, 1000, timeout=60_000)
    wait_idle(page)
    no_exception(page)
    accuracy = metric_value(page, "Test acc.")
    assert accuracy.endswith("%"), accuracy
    assert float(accuracy.rstrip("%")) >= 90, accuracy
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.mouse.move(1, 1)
        wait_still(page)
        screenshot(page, f"own-data-{width}x{height}")
    # Undo: the settings before the upload come back (the table stays)
    button(page, "Undo").click()
    expect(page.get_by_text("A setup for your table", exact=False)).to_have_count(
        0, timeout=POLL_MS
    )
    wait_idle(page)
