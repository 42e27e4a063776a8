"""The live view through AppTest: only the open tab is built, live charts get patches,
and a link's run is trained in the live refreshes with a progress bar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from conftest import explorer, figure, iteration, open_tab, params, run, step_n

from nnviz import export
from nnviz.app import views
from nnviz.app.explorer import Explorer
from nnviz.app.urlstate import read_link
from nnviz.data.limits import MAX_CSV_BYTES
from nnviz.ui import live
from nnviz.ui.live import short


def counting(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` by a wrapper that records each call."""
    calls, real = [], getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_a_hidden_tab_builds_nothing(at, monkeypatch):
    animations = counting(monkeypatch, views, "animation_view")
    zips = counting(monkeypatch, export, "weights_txt_zip")
    step_n(at, 10)
    run(at.selectbox(key="activation").set_value("tanh"))
    step_n(at, 10)
    assert animations == [] and zips == []  # the Data tab is open: nothing else is built
    open_tab(at, "Animation")
    assert len(animations) == 1
    run(at)  # the same run: the animation is not built again
    run(at.toggle(key="discretize").set_value(True))
    assert len(animations) == 1
    step_n(at, 10)  # new snapshots: a new animation
    assert len(animations) == 2
    open_tab(at, "Export / share")
    assert len(zips) == 1 and len(animations) == 2


def message(at, key: str) -> dict:
    return json.loads(at.session_state["_live_charts"][key].payload)


def test_live_charts_get_patches_after_their_first_figure(at):
    first = {k: message(at, k) for k in ("loss_chart", "plane_chart", "diagram_chart")}
    assert all("base" in m for m in first.values())
    step_n(at, 10)
    step_n(at, 10)
    for key in ("plane_chart", "diagram_chart"):
        m = message(at, key)
        assert "base" not in m and m["epoch"] == first[key]["epoch"], key
        assert m["frames"], key
    assert len(at.session_state["_live_charts"]["diagram_chart"].payload) < 6000
    # what the browser shows is the explorer now
    diagram = figure(at, "diagram_chart")
    assert diagram["layout"]["title"]["text"] == "Iteration 20 · row 0"


def test_a_link_trains_in_the_live_refreshes_with_a_progress_bar(new_app, monkeypatch):
    monkeypatch.setattr(live, "LINK_BUDGET", 0.001)  # many refreshes for 300 steps
    query = {"dataset": "circle", "hidden": "4", "learning_rate": "0.3", "steps": "300"}
    at = new_app(query)
    assert at.get("progress"), "no progress bar while the link's run trains"
    assert 0 < iteration(at) < 300
    for _ in range(2000):
        if not at.get("progress"):
            break
        run(at)
    assert iteration(at) == 300
    link = read_link(query)
    ref = Explorer(link.table, link.settings)
    ref.step(300)
    np.testing.assert_array_equal(params(at), ref.network.params)
    assert any("300 steps" in n for n in at.session_state["link_notes"])
    assert explorer(at).trainer.history.events == []


def test_stop_ends_a_link_replay_where_it_is(new_app, monkeypatch):
    monkeypatch.setattr(live, "LINK_BUDGET", 0.001)
    at = new_app({"dataset": "circle", "steps": "5000"})
    assert at.get("progress")
    at.button(key="stop_link_replay").click()
    run(at)
    stopped = iteration(at)
    assert 0 < stopped < 5000 and not at.get("progress")
    run(at)
    assert iteration(at) == stopped
    open_tab(at, "Data")  # the page works on as usual
    step_n(at, 10)
    assert iteration(at) == stopped + 10


def test_uploads_are_bounded_and_dropped_once_read(at):
    import tomllib

    from nnviz.ui.tabs import data as data_tab
    from nnviz.ui.tabs import export as export_tab

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert data_tab.MAX_CSV_MB * 1e6 >= MAX_CSV_BYTES
    assert export.network_limits().max_file_bytes <= export_tab.MAX_MODEL_MB * 1e6
    assert config["server"]["maxUploadSize"] == max(data_tab.MAX_CSV_MB, export_tab.MAX_MODEL_MB)
    csv = b"a,b,c\n1,2,0.5\n2,3,0.25\n3,1,0.75\n"
    run(at.file_uploader(key="upload_csv").set_value(("t.csv", csv, "text/csv")))
    assert list(at.session_state["table"].columns) == ["a", "b", "c"]
    # the uploader starts empty under its next key: the session no longer holds the bytes
    assert [u.key for u in at.file_uploader] == ["upload_csv_1"]
    assert "upload_csv" not in at.session_state


def test_metric_numbers_fit_their_columns():
    assert short(0.09171) == "0.0917" and short(12.345) == "12.3" and short(0.0008286) == "8.29e-04"
    assert short(123456.0) == "1.23e+05" and short(float("nan")) == "—" and short(0) == "0"
    assert max(len(short(v)) for v in (1e-300, -3.3e-7, 99999.0, 0.001, -0.5)) <= 9


def test_a_new_empty_row_is_a_draft_not_an_error(at):
    from conftest import edit_table, errors

    step_n(at, 10)
    before = params(at)
    edit_table(at, {"added_rows": [{}]})  # the add-row line, nothing typed yet
    assert errors(at) == []
    assert explorer(at).data_error == ""
    assert any("still empty, left out of training" in c.value for c in at.caption)
    shown = at.data_editor(key=f"table_{at.session_state['table_version']}").value
    assert "prediction" in shown.columns  # the predictions stay beside the other rows
    np.testing.assert_array_equal(params(at), before)  # nothing re-fitted, nothing rebuilt
    assert iteration(at) == 10
    # typed into: now it is a row, half filled: left out of training with a note naming it
    n = len(at.session_state["table"]) - 1
    edit_table(at, {"edited_rows": {str(n): {"hours_studied": 4.0}}})
    assert errors(at) == [] and explorer(at).data.left_out == [at.session_state["table"].index[n]]
    assert any("1 row with empty cells is left out" in c.value for c in at.caption)


def test_the_editor_shows_numbers_as_numbers_and_downloads_name_what_they_hold(at, downloads):
    from conftest import edit_table

    frame = at.data_editor(key="table_0").value
    assert str(frame["test_score"].dtype) == "float64"  # 1e308 stays 1e308 when typed
    edit_table(at, {"edited_rows": {"0": {"test_score": 40.0}}})
    button = [b for b in at.get("download_button") if b.key == "download_csv"][0]
    assert downloads.names[button.proto.url] == "exam_scores-edited.csv"
    text = downloads[button.proto.url].decode()
    assert "2,9,40,train" in text  # whole numbers stay whole ("40", not "40.0")


def test_a_model_with_features_uploads_with_its_features(new_app):
    from dataclasses import replace as _replace

    from nnviz.app.settings import Settings

    src = Explorer(
        None, _replace(Settings.for_preset("circle"), hidden=(), features=("x1**2", "x2**2"))
    )
    src.step(50)
    names = {"inputs": src.data.inputs, "targets": src.data.targets}
    for name, data in (
        ("m.json", export.to_json(src.network, scaler=src.data.scaler, **names).encode()),
        ("m.npz", export.to_npz(src.network, scaler=src.data.scaler)),
    ):
        at = new_app({"dataset": "circle"})
        open_tab(at, "Export / share")
        run(at.file_uploader(key="upload_model").set_value((name, data, "application/json")))
        ex = explorer(at)
        assert ex.settings.features == ("x1**2", "x2**2"), name
        np.testing.assert_array_equal(params(at), src.network.params)


def test_generated_data_controls_draw_the_data_again(new_app):
    at = new_app({"dataset": "circle"})
    step_n(at, 10)
    table = at.session_state["table"].copy()
    assert len(table) == 200
    run(at.number_input(key="points").set_value(300))
    assert len(at.session_state["table"]) == 300 and iteration(at) == 0
    assert at.query_params["points"] == "300"
    seed = at.session_state["data_seed"]
    at.button(key="regenerate").click()
    run(at)
    assert at.session_state["data_seed"] != seed
    assert not at.session_state["table"].equals(table)
    assert explorer(at).settings.data_seed == at.session_state["data_seed"]
    # a link with the same settings draws the same points
    again = new_app(dict(at.query_params))
    assert again.session_state["table"].equals(at.session_state["table"])
    # a fixed table has no such controls
    fixed = new_app()
    assert "points" not in [w.key for w in fixed.number_input]


def test_a_classroom_link_can_hide_every_tab(new_app):
    from nnviz.ui.tabs import TABS

    hideable = [control for _, control, _ in TABS if control]
    at = new_app({"classroom": "1", "hide": ",".join(hideable)})
    assert [n for n in at.session_state["link_notes"] if "unknown controls" in n] == []
    assert [t.label for t in at.tabs] == [title for title, control, _ in TABS if not control]
