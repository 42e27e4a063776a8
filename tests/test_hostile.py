"""Hostile input costs a bounded amount of work and gets a clear message, never a traceback.

Each test builds the attack and checks that it is refused from what is cheap to
read (the raw size, the line lengths, the first line, a header) before the
expensive call — which the test makes fail if it is ever reached.
"""

from __future__ import annotations

import base64
import io
import json
import math
import zipfile
import zlib

import numpy as np
import pandas as pd
import pytest

import nnviz.export as ex
from nnviz import Network
from nnviz.app import settings, urlstate
from nnviz.app.explorer import Explorer, Settings
from nnviz.app.urlstate import decode_table, encode_table
from nnviz.data import (
    DataError,
    limits,
    load_preset,
    prepare,
    read_csv_table,
    table_from_arrays,
    tables,
    to_csv_bytes,
)
from nnviz.export import _validate, weights


def _link(csv: bytes) -> str:
    """A link's ``table`` parameter carrying this CSV, as encode_table writes it."""
    return base64.urlsafe_b64encode(zlib.compress(csv, 9)).decode().rstrip("=")


@pytest.fixture
def no_pandas_parse(monkeypatch):
    """Fail the test if pandas is asked to parse the CSV."""

    def refuse(*args, **kwargs):
        raise AssertionError("pd.read_csv was reached")

    monkeypatch.setattr(tables.pd, "read_csv", refuse)


# ------------------------------------------------------------------ CSV text


def test_the_raw_text_bounds_follow_from_the_table_limits():
    assert limits.MAX_LINE_BYTES == limits.MAX_TABLE_COLUMNS * (limits.MAX_CELL_BYTES + 3)
    assert limits.MAX_CSV_BYTES == (limits.MAX_ROWS + 1) * (
        limits.MAX_TABLE_COLUMNS * limits.MEAN_CELL_BYTES + 2
    )
    assert len(repr(-2.2250738585072014e-308)) <= limits.MAX_CELL_BYTES
    # room for real tables: 20,000 rows of an 8x8 image, a label and the split …
    assert limits.MAX_ROWS >= 20_000 and limits.MAX_INPUTS >= 64
    assert limits.MAX_TABLE_COLUMNS >= 64 + 2
    # … and the bytes stay within the upload limit (12 MB), whatever a cell may hold
    assert limits.MAX_CSV_BYTES <= 12 * 10**6 < limits.MAX_ROWS * limits.MAX_LINE_BYTES


def test_a_table_at_every_limit_is_read():
    # 20,000 rows, 66 columns, every cell and name a number to six significant digits
    # or eight characters: the largest table nnviz reads
    cols = limits.MAX_TABLE_COLUMNS
    header = ",".join(f"column{j:02d}" for j in range(cols))
    row = ",".join(["-1.23457"] * cols)
    content = ("\r\n".join([header] + [row] * limits.MAX_ROWS) + "\r\n").encode()
    # blank lines up to the byte limit (they are not rows)
    content = content.ljust(limits.MAX_CSV_BYTES, b"\n")
    df = read_csv_table(content)
    assert df.shape == (limits.MAX_ROWS, cols) and df.columns[-1] == "column65"
    assert df.iloc[-1, -1] == -1.23457
    with pytest.raises(DataError, match="^The file is 11,920,597 bytes"):
        read_csv_table(content + b"\n")


def test_the_longest_lines_are_read():
    # every cell 62 characters and quoted: the longest lines a table nnviz accepts can
    # have, in as many rows as the size limit leaves room for
    cols = limits.MAX_TABLE_COLUMNS
    header = ",".join(f'"c{j:02d}' + "n" * (limits.MAX_CELL_BYTES - 3) + '"' for j in range(cols))
    row = ",".join(['"' + "-1.2345678901234567e-300" + " " * 40 + '"'] * cols)
    assert len(row) == len(header) == limits.MAX_LINE_BYTES - 1
    n = limits.MAX_CSV_BYTES // (len(row) + 2) - 1
    content = ("\r\n".join([header] + [row] * n) + "\r\n").encode()
    assert len(content) <= limits.MAX_CSV_BYTES
    assert read_csv_table(content).shape == (n, cols)


@pytest.mark.parametrize("n", [20_000, 1_000_000])
def test_a_header_of_many_duplicate_names_is_refused_unparsed(n, no_pandas_parse):
    csv = ("a," * n).rstrip(",").encode() + b"\n1\n"
    message = (
        rf"^The first line of the file holds {n:,} column names and is "
        rf"{2 * n - 1:,} characters long; the limit is 4,422 \(66 columns of up to 64 "
        rf"characters each\)\.$"
    )
    with pytest.raises(DataError, match=message):
        read_csv_table(csv)
    text = _link(csv)
    assert len(text) < 3000  # the attack fits in a short link
    with pytest.raises(DataError, match=message):
        decode_table(text)


def test_too_many_short_names_are_refused_from_the_first_line(no_pandas_parse):
    header = ",".join(f"c{j}" for j in range(limits.MAX_TABLE_COLUMNS + 1)).encode()
    with pytest.raises(DataError, match=r"^The file has 67 columns; the limit is 66 \(65 inputs"):
        read_csv_table(header + b"\n" + b"1\n")
    with pytest.raises(DataError, match="The file has 67 columns"):
        decode_table(_link(header + b"\n"))


@pytest.mark.parametrize(
    "header, message",
    [
        (b"a,b,a", "The file has more than one column named 'a' (columns 1 and 3)"),
        (b"x; y ;y", "The file has more than one column named 'y' (columns 2 and 3)"),
        (b'"p q",r,"p q" ', "The file has more than one column named 'p q' (columns 1 and 3)"),
    ],
)
def test_duplicate_names_are_refused_by_name(header, message, no_pandas_parse):
    with pytest.raises(DataError) as info:
        read_csv_table(header + b"\n1,2,3\n")
    assert str(info.value) == message + " — give each column its own name."


def test_too_many_rows_are_refused_unparsed(no_pandas_parse):
    with pytest.raises(DataError, match="^The file has more than 20000 rows; the limit is 20000"):
        read_csv_table(b"a,b\n" + b"1,2\n" * (limits.MAX_ROWS + 1))
    # a link of a million one-character rows (1 KB compressed)
    text = _link(b"a\n" + b"1\n" * 1_000_000)
    assert len(text) < limits.MAX_CSV_BYTES // 1000
    with pytest.raises(DataError, match="more than 20000 rows"):
        decode_table(text)


def test_blank_lines_do_not_count_as_rows(monkeypatch):
    df = read_csv_table(b"a,b\n\n\n" + b"1,2\n\r\n" * limits.MAX_ROWS)
    assert len(df) == limits.MAX_ROWS


def test_a_long_line_is_refused_with_its_number(no_pandas_parse):
    long = b"1," * limits.MAX_LINE_BYTES
    with pytest.raises(DataError, match=r"^Line 4 of the file is [\d,]+ characters long"):
        read_csv_table(b"a,b\n1,2\n\n" + long + b"\n")
    with pytest.raises(DataError, match=r"^Line 3 of the file"):
        read_csv_table(b"a,b\r1,2\r" + long + b"\r")  # old Mac line ends


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(monkeypatch):
    def refuse(content):
        raise AssertionError("_decode was reached")

    monkeypatch.setattr(tables, "_decode", refuse)
    with pytest.raises(
        DataError,
        match=r"^The file is 11,920,597 bytes; the limit is "
        r"11,920,596 bytes \(20000 rows of 66 columns of numbers to six digits\) — leave out",
    ):
        read_csv_table(b" " * (limits.MAX_CSV_BYTES + 1))
    upload = io.BytesIO(b"x" * (limits.MAX_CSV_BYTES + 10**6))
    with pytest.raises(DataError, match="11,920,597 bytes"):  # reads no more than one byte over
        read_csv_table(upload)


def test_a_link_longer_than_a_link_carries_is_refused_undecoded(monkeypatch):
    def refuse(*args):
        raise AssertionError("the link's table was decoded")

    monkeypatch.setattr(urlstate.base64, "urlsafe_b64decode", refuse)
    with pytest.raises(DataError, match="6,001 characters long; a link carries at most 6,000"):
        decode_table("A" * (urlstate.MAX_TABLE_PARAM + 1))


def test_a_link_is_unpacked_no_further_than_the_largest_table(monkeypatch):
    monkeypatch.setattr(urlstate, "MAX_CSV_BYTES", 1000)
    with pytest.raises(DataError, match="unpacks to more than 1,000 bytes, the largest table"):
        decode_table(_link(b"a,b\n" + b"1,2\n" * 1000))
    with pytest.raises(DataError, match="damaged"):
        decode_table(_link(b"a,b\n1,2\n")[:-4])  # cut short
    monkeypatch.undo()
    t = load_preset("xor")
    assert decode_table(encode_table(t)).equals(t)


# ------------------------------------------------------------------ CSV download


def test_formulas_are_neutralised_in_the_download_and_numbers_kept():
    df = pd.DataFrame(
        {
            '=HYPERLINK("http://x")': [1.0, 2.0, 3.0],
            "b": [-3.5, 1e-3, 2.5],
            "c": ["=1+1", "-3.5", "@SUM(A1)"],
            "d": ["+cmd|' /C calc'!A0", "\tx", "\r=y"],
            "e": ["-", "1e-3", "+2"],
            "split": ["train", "test", "predict"],
        }
    )
    text = to_csv_bytes(df).decode()
    lines = text.splitlines()
    assert lines[0].startswith('"\'=HYPERLINK(""http://x"")",b,c,d,e,split')
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back["b"].tolist() == [-3.5, 1e-3, 2.5]  # numbers stay numbers
    assert back["c"].tolist() == ["'=1+1", "-3.5", "'@SUM(A1)"]
    assert back["d"].tolist() == ["'+cmd|' /C calc'!A0", "'\tx", "'\r=y"]
    assert back["e"].tolist() == ["'-", "1e-3", "+2"]
    for cell in [c for column in back.columns for c in [column, *back[column].astype(str)]]:
        assert not cell.startswith(("=", "@", "\t", "\r")), cell
        if cell.startswith(("+", "-")):
            float(cell)  # only numbers may start with a sign


def test_a_link_cannot_deliver_a_formula_to_the_download():
    csv = b"=cmd,y\n@x,1\n-2+3,0\n"
    table = decode_table(_link(csv))
    assert table.columns[0] == "=cmd"  # the table itself is the user's, unchanged
    text = to_csv_bytes(table).decode()
    assert text.splitlines() == ["'=cmd,y", "'@x,1", "'-2+3,0"]


def test_whole_numbers_download_as_integers():
    df = read_csv_table(b"a,b,c,split\n1,0.5,7,train\n2,1.5,8,test\n")
    df.loc[2] = [np.nan, 2.5, 9, "train"]  # a row added in the editor, 'a' left empty
    df["c"] = df["c"].astype(float)  # what an edit in the editor can leave behind
    df.loc[1, "c"] = 4.0
    assert df["a"].dtype == np.float64 and df["c"].dtype == np.float64
    lines = to_csv_bytes(df).decode().splitlines()
    assert lines == ["a,b,c,split", "1,0.5,7,train", "2,1.5,4,test", ",2.5,9,train"]
    back = read_csv_table(to_csv_bytes(df))
    assert back["c"].dtype == np.int64 and back["a"].tolist()[:2] == [1, 2]
    assert math.isnan(back["a"].tolist()[2])


def test_floats_that_are_not_plain_integers_keep_their_exact_value():
    df = pd.DataFrame(
        {
            "big": [1e300, 2.0],
            "neg0": [-0.0, 1.0],
            "inf": [math.inf, 1.0],
            "mixed": [2.0, "x"],
            "frac": [0.1 + 0.2, 3.0],
        }
    )
    back = pd.read_csv(io.StringIO(to_csv_bytes(df).decode()))
    assert back["big"].tolist() == [1e300, 2.0]
    assert math.copysign(1, back["neg0"][0]) < 0
    assert back["inf"].tolist() == [math.inf, 1.0]
    assert back["mixed"].tolist() == ["2", "x"]
    assert back["frac"].tolist() == [0.1 + 0.2, 3.0]


def test_presets_survive_the_download_unchanged_in_value():
    for name in ("exam_scores", "blobs3", "spiral"):
        df = load_preset(name)
        back = read_csv_table(to_csv_bytes(df))
        pd.testing.assert_frame_equal(back, df, check_dtype=False)


# ------------------------------------------------------------------ scaling


@pytest.mark.parametrize("scaling", ["minmax", "standard"])
def test_a_range_too_large_to_scale_is_refused_by_column(scaling):
    df = table_from_arrays(
        [[1.0, 1e308], [2.0, -1e308], [3.0, 0.0]], [0.1, 0.2, 0.3], ["a", "huge"], "y"
    )
    with pytest.raises(
        DataError,
        match=(
            rf"^Column 'huge' ranges from -1e\+308 to 1e\+308: its range is too large to scale "
            rf"with '{scaling}'"
        ),
    ):
        prepare(df, ["a", "huge"], "y", scaling=scaling, output_activation="linear")
    df = table_from_arrays([[1.0], [2.0], [3.0]], [1e308, -1e308, 5.0], ["a"], "y")
    with pytest.raises(DataError, match="^Column 'y' ranges from"):
        prepare(df, ["a"], "y", scaling=scaling, output_activation="linear")


def test_huge_numbers_that_scale_finely_are_accepted():
    df = table_from_arrays([[1e308], [-1e308], [0.0]], [0.1, 0.2, 0.3], ["x"], "y")
    data = prepare(df, ["x"], "y", scaling="max", output_activation="linear")
    assert data.X_train.ravel().tolist() == [1.0, -1.0, 0.0]
    df = table_from_arrays([[1e300], [3e300], [2e300]], [0.1, 0.2, 0.3], ["x"], "y")
    data = prepare(df, ["x"], "y", scaling="minmax", output_activation="linear")
    assert np.allclose(data.X_train.ravel(), [0.0, 1.0, 0.5])


def test_more_classes_than_outputs_are_refused():
    labels = [f"c{k}" for k in range(limits.MAX_OUTPUTS + 1)]
    df = pd.DataFrame({"x": range(len(labels)), "y": labels})
    with pytest.raises(
        DataError,
        match=r"^Column 'y' holds 33 classes in its train and test "
        r"rows; a softmax output has one output per class, at "
        r"most 32\.$",
    ):
        prepare(df, ["x"], "y", output_activation="softmax")
    prepare(df.iloc[:-1], ["x"], "y", output_activation="softmax")


# ------------------------------------------------------------------ model files


def _zip(files: dict[str, bytes], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _npy(header: dict, data: bytes) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + data


@pytest.fixture
def no_value_reading(monkeypatch):
    """Fail the test if the values of a weight file are parsed or unpacked."""

    def refuse(*args, **kwargs):
        raise AssertionError("the values were read")

    monkeypatch.setattr(weights.np, "loadtxt", refuse)
    monkeypatch.setattr(weights.np, "frombuffer", refuse)
    monkeypatch.setattr(weights.np, "load", refuse)


def test_the_model_limits_come_from_the_apps_limits():
    lim = ex.network_limits()
    assert (lim.hidden_layers, lim.neurons) == (settings.MAX_HIDDEN_LAYERS, settings.MAX_NEURONS)
    assert (lim.inputs, lim.outputs) == (limits.MAX_INPUTS, limits.MAX_OUTPUTS)
    # 64 inputs, six hidden layers of 16, 32 outputs: the most weights and biases
    assert lim.max_params == 64 * 16 + 5 * 16 * 16 + 16 * 32 + 6 * 16 + 32 == 2944
    assert ex.MAX_UNCOMPRESSED_BYTES == lim.max_unpacked_bytes < 3 * 2**20
    assert lim.max_file_bytes < limits.MAX_CSV_BYTES  # one upload limit covers both


def test_a_zip_of_a_huge_text_matrix_is_refused_unread(no_value_reading, monkeypatch):
    # w1.txt: 32,640 lines of 4,096 zeros, 256 MB unpacked in a 1.2 MB zip
    line = (" ".join(["0"] * 4096) + "\n").encode()
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("w1.txt", "w", force_zip64=True) as member,
    ):
        for _ in range(128):
            member.write(line * 255)
    data = buf.getvalue()
    assert len(data) < ex.network_limits().max_file_bytes

    def refuse(*args, **kwargs):
        raise AssertionError("a member was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    with pytest.raises(
        ex.ModelFileError,
        match=r"^The files inside this archive add up to "
        r"267,386,880 bytes unpacked, more than the "
        r"2,081,160 bytes a model of the largest network",
    ):
        ex.load_model(data, "weights.zip")


def test_a_text_matrix_over_the_limits_is_refused_from_its_shape(no_value_reading):
    wide = ("0 " * 16 + "\n") * 70  # 70 rows: 70 inputs
    with pytest.raises(
        ex.ModelFileError,
        match=r"^w1.txt is 70×16: a row per input, and an "
        r"nnviz network has at most 64 inputs\.$",
    ):
        ex.load_model(_zip({"w1.txt": wide.encode(), "w2.txt": b"0\n" * 16}), "w.zip")
    hidden = ("0 " * 32 + "\n") * 2
    with pytest.raises(
        ex.ModelFileError,
        match=r"^w1.txt is 2×32: a column per neuron of hidden "
        r"layer 1, and nnviz builds at most 16 neurons",
    ):
        ex.load_model(_zip({"w1.txt": hidden.encode(), "w2.txt": b"0\n" * 32}), "w.zip")
    big = b"0 " * 80_000 + b"\n"  # more text than the 64 × 32 weights of one layer take
    with pytest.raises(
        ex.ModelFileError,
        match=r"^w1.txt is 160,001 bytes: far too large for the "
        r"2048 number\(s\) it can hold\.$",
    ):
        ex.load_model(_zip({"w1.txt": big}), "w.zip")
    with pytest.raises(ex.ModelFileError, match=r"^w1.txt is 1×2000: a column per output"):
        ex.load_model(_zip({"w1.txt": b"0 " * 2000}), "w.zip")


def test_too_many_text_layers_are_refused_before_any_is_read(no_value_reading):
    files = {f"w{l}.txt": b"0\n" for l in range(1, 10)}
    with pytest.raises(
        ex.ModelFileError,
        match=r"^The zip holds w9.txt: a network of 8 hidden "
        r"layers; nnviz builds at most 6\.$",
    ):
        ex.load_model(_zip(files), "w.zip")
    with pytest.raises(ex.ModelFileError, match="w99999999999.txt: a network of 99999999998"):
        ex.load_model(_zip({"w1.txt": b"0\n", "w99999999999.txt": b"0\n"}), "w.zip")


def test_a_network_json_over_the_limits_is_refused_by_its_sizes(no_value_reading):
    doc = {"format": ex.TXT_FORMAT, "version": 1, "layer_sizes": [2, 32, 1], "bias": False}
    files = {
        "network.json": json.dumps(doc).encode(),
        "w1.txt": b"0 " * 64 + b"\n",
        "w2.txt": b"0\n" * 32,
    }
    with pytest.raises(
        ex.ModelFileError,
        match=r"^network.json describes a network whose hidden "
        r"layer 1 has 32 neurons \(2-32-1\); nnviz "
        r"builds at most 16 per hidden layer\.$",
    ):
        ex.load_model(_zip(files), "w.zip")


def test_an_npz_header_claiming_a_huge_array_is_refused_unallocated(no_value_reading):
    header = {"descr": "<f8", "fortran_order": False, "shape": (2**40, 2**20)}
    data = _zip({"W1.npy": _npy(header, b"\0" * 16)})
    with pytest.raises(
        ex.ModelFileError,
        match=r"^'W1' in the .npz claims a shape of "
        r"\(1099511627776, 1048576\) \(9,223,372,036,854,"
        r"775,808 bytes\) but holds 16 bytes of data\.$",
    ):
        ex.load_model(data, "w.npz")
    text = {"descr": "<U100000000", "fortran_order": False, "shape": ()}  # 400 MB of text
    with pytest.raises(ex.ModelFileError, match="'meta' in the .npz claims a shape of"):
        ex.load_model(_zip({"meta.npy": _npy(text, b"{}"), "W1.npy": b""}), "w.npz")


def test_an_npz_over_the_limits_is_refused_from_its_headers(no_value_reading):
    def arrays(**shapes):
        return _zip(
            {
                f"{k}.npy": _npy(
                    {"descr": "<f8", "fortran_order": False, "shape": s}, b"\0" * 8 * math.prod(s)
                )
                for k, s in shapes.items()
            }
        )

    with pytest.raises(
        ex.ModelFileError,
        match=r"^W2 is 32×1: a row per neuron of hidden layer "
        r"1, and nnviz builds at most 16 neurons",
    ):
        ex.load_model(arrays(W1=(2, 3), W2=(32, 1)), "w.npz")
    with pytest.raises(
        ex.ModelFileError,
        match=r"^W1 is 2×40: a column per output, and an nnviz "
        r"network has at most 32 outputs\.$",
    ):
        ex.load_model(arrays(W1=(2, 40)), "w.npz")
    with pytest.raises(
        ex.ModelFileError,
        match=r"^b1 has 20 values: one per neuron of hidden "
        r"layer 1",
    ):
        ex.load_model(arrays(W1=(2, 3), W2=(3, 1), b1=(20,), b2=(1,)), "w.npz")
    layers = {f"W{l}": (1, 1) for l in range(1, 9)}
    with pytest.raises(ex.ModelFileError, match=r"^The .npz holds W8: a network of 7 hidden"):
        ex.load_model(arrays(**layers), "w.npz")
    pickled = _npy({"descr": "|O", "fortran_order": False, "shape": (2, 2)}, b"\0" * 32)
    with pytest.raises(ex.ModelFileError, match="holds Python objects"):
        ex.load_model(_zip({"W1.npy": pickled}), "w.npz")


def test_a_json_model_over_the_limits_is_refused():
    net = Network([2, 3, 1], seed=0)
    doc = json.loads(ex.to_json(net))
    doc.update(
        layer_sizes=[2, 32, 1], weights=[[[0.0] * 32] * 2, [[0.0]] * 32], biases=[[0.0] * 32, [0.0]]
    )
    with pytest.raises(
        ex.ModelFileError,
        match=r"^This model file describes a network whose "
        r"hidden layer 1 has 32 neurons \(2-32-1\); "
        r"nnviz builds at most 16 per hidden layer\.$",
    ):
        ex.load_model(json.dumps(doc).encode(), "model.json")
    doc.update(layer_sizes=None)  # no sizes declared: the matrices say it
    with pytest.raises(ex.ModelFileError, match="hidden layer 1 has 32 neurons"):
        ex.load_model(json.dumps(doc).encode(), "model.json")
    doc.update(weights=[[[0.0]]] * 9, biases=None, bias=False)
    with pytest.raises(
        ex.ModelFileError,
        match=r"holds 9 weight matrices: a network of 8 hidden "
        r"layers; nnviz builds at most 6",
    ):
        ex.load_model(json.dumps(doc).encode(), "model.json")


def test_an_oversized_model_file_is_refused_unparsed(monkeypatch):
    limit = ex.network_limits().max_file_bytes

    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(_validate.json, "loads", refuse)
    monkeypatch.setattr(_validate.zipfile, "ZipFile", refuse)
    monkeypatch.setattr(_validate.zipfile, "is_zipfile", refuse)
    for name in ("model.json", "w.npz", "w.zip"):
        with pytest.raises(
            ex.ModelFileError,
            match=rf"is {limit + 1:,} bytes; a model of the "
            rf"largest network nnviz builds takes at most "
            rf"{limit:,}\.$",
        ):
            ex.load_model(b" " * (limit + 1), name)


def test_a_json_integer_too_long_to_convert_is_a_model_file_error():
    doc = ex.to_json(Network([2, 1], seed=0)).replace('"seed": 0', '"seed": ' + "9" * 5000)
    with pytest.raises(ex.ModelFileError, match="is not valid JSON"):
        ex.from_json(doc)


def _largest_model():
    """The largest network nnviz builds, with the longest names its tables allow."""
    n_in = limits.MAX_INPUTS
    sizes = [n_in, *[settings.MAX_NEURONS] * settings.MAX_HIDDEN_LAYERS, limits.MAX_OUTPUTS]
    net = Network(sizes, activation="tanh", output_activation="softmax", seed=1)
    net.params[:] = -1.2345678901234567e-300  # the longest text a float64 takes
    per_name = limits.MAX_LINE_BYTES // limits.MAX_TABLE_COLUMNS - 3
    inputs = [f"{j:02d}" + "é" * ((per_name - 2) // 2) for j in range(n_in)]
    classes = [
        f"{k:02d}" + "ü" * ((limits.MAX_LINE_BYTES - 4) // 2) for k in range(limits.MAX_OUTPUTS)
    ]  # each label as long as a CSV line
    from nnviz.data import Scaler

    scaler = Scaler(
        "standard",
        np.full(n_in, -1.2345678901234567e-300),
        np.full(n_in, 3.5),
        "none",
        np.zeros(limits.MAX_OUTPUTS),
        np.ones(limits.MAX_OUTPUTS),
        inputs=inputs,
        targets=["y"],
        classes=classes,
    )
    return net, scaler


def test_the_largest_model_nnviz_makes_loads_from_every_format():
    net, scaler = _largest_model()
    lim = ex.network_limits()
    files = {
        "model.json": ex.to_json(
            net, scaler=scaler, hyperparameters={"loss": "cross_entropy"}, iteration=10**9
        ).encode(),
        "w.npz": ex.to_npz(net, scaler=scaler, iteration=10**9),
        "w.zip": ex.weights_txt_zip(net, scaler=scaler, iteration=10**9),
    }
    for name, data in files.items():
        assert len(data) <= lim.max_file_bytes, name
        bundle = ex.load_model(data, name)
        assert np.array_equal(bundle.network.params, net.params), name
        assert bundle.scaler.classes == scaler.classes, name


# ------------------------------------------------------------------ adopting a model


def test_a_refused_model_never_loses_the_run():
    run = Explorer(load_preset("exam_scores"), Settings.for_preset("exam_scores"))
    run.step(100)
    trainer, settings, data = run.trainer, run.settings, run.data
    too_wide = Network([2, 32, 1], seed=5)
    with pytest.raises(ValueError, match="32"):
        run.adopt(too_wide)
    too_deep = Network([2, *[4] * 7, 1], seed=5)
    with pytest.raises(ValueError):
        run.adopt(too_deep)
    wrong_output = Network([2, 3, 1], output_activation="softmax", seed=5)
    with pytest.raises(ValueError):
        run.adopt(wrong_output)  # the scores are no classes: prepare refuses the table
    assert run.trainer is trainer and run.trainer.iteration == 100
    assert run.settings == settings and run.data is data
    assert not run.update(run.table, run.settings).changed  # nothing left to rebuild
    assert run.trainer is trainer and run.trainer.iteration == 100


def test_an_adopted_model_with_another_output_gets_its_table_prepared_for_it():
    run = Explorer(load_preset("xor"), Settings.for_preset("xor"))
    trainer = run.trainer
    with pytest.raises(ValueError, match="bce"):  # the run's loss needs outputs in 0 … 1
        run.adopt(Network([2, 4, 1], output_activation="linear", seed=2))
    assert run.trainer is trainer and run.settings == Settings.for_preset("xor")
    run = Explorer(load_preset("exam_scores"), Settings.for_preset("exam_scores"))
    net = Network([2, 4, 1], activation="relu", output_activation="tanh", seed=2)
    run.adopt(net)
    assert run.settings.output_activation == "tanh" and run.network is net
    assert run.data.output_activation == "tanh" and run.trainer.iteration == 0
