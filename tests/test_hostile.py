"""Hostile input costs a bounded amount of work and gets a clear message, never a traceback.

Each test builds the attack and checks that it is refused from what is cheap to
read (the raw size, the line lengths, the first line, a header) before the
expensive call — which the test makes fail if it is ever reached.
"""

from __future__ import annotations

import base64
import io
import math
import zlib

import numpy as np
import pandas as pd
import pytest

from nnviz.app import urlstate
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
    assert limits.MAX_CSV_BYTES == (limits.MAX_ROWS + 1) * (limits.MAX_LINE_BYTES + 2)
    assert len(repr(-2.2250738585072014e-308)) <= limits.MAX_CELL_BYTES


def test_a_table_at_every_limit_is_read():
    # 5000 rows, 33 columns, every name and cell 62 characters and quoted: the longest
    # lines a table nnviz accepts can have
    cols = limits.MAX_TABLE_COLUMNS
    name = lambda j: f"{j:02d}" + "n" * (limits.MAX_CELL_BYTES - 4)  # noqa: E731
    header = ",".join(f'"{name(j)}"' for j in range(cols))
    row = ",".join(['"' + "-1.2345678901234567e-300" + " " * 38 + '"'] * cols)
    content = ("\r\n".join([header] + [row] * limits.MAX_ROWS) + "\r\n").encode()
    assert len(header) <= limits.MAX_LINE_BYTES and len(content) <= limits.MAX_CSV_BYTES
    df = read_csv_table(content)
    assert df.shape == (limits.MAX_ROWS, cols) and df.columns[0] == name(0)


@pytest.mark.parametrize("n", [20_000, 1_000_000])
def test_a_header_of_many_duplicate_names_is_refused_unparsed(n, no_pandas_parse):
    csv = ("a," * n).rstrip(",").encode() + b"\n1\n"
    with pytest.raises(DataError, match=r"^Line 1 of the file is [\d,]+ characters long; "
                                        r"the limit is 2,211 \(33 columns"):
        read_csv_table(csv)
    text = _link(csv)
    assert len(text) < 3000  # the attack fits in a short link
    with pytest.raises(DataError, match="^Line 1 of the file is"):
        decode_table(text)


def test_too_many_short_names_are_refused_from_the_first_line(no_pandas_parse):
    header = ",".join(f"c{j}" for j in range(limits.MAX_TABLE_COLUMNS + 1)).encode()
    with pytest.raises(DataError, match=r"^The file has 34 columns; the limit is 33 \(32 inputs"):
        read_csv_table(header + b"\n" + b"1\n")
    with pytest.raises(DataError, match="The file has 34 columns"):
        decode_table(_link(header + b"\n"))


@pytest.mark.parametrize("header, message", [
    (b"a,b,a", "The file has more than one column named 'a' (columns 1 and 3)"),
    (b"x; y ;y", "The file has more than one column named 'y' (columns 2 and 3)"),
    (b'"p q",r,"p q" ', "The file has more than one column named 'p q' (columns 1 and 3)"),
])
def test_duplicate_names_are_refused_by_name(header, message, no_pandas_parse):
    with pytest.raises(DataError) as info:
        read_csv_table(header + b"\n1,2,3\n")
    assert str(info.value) == message + " — give each column its own name."


def test_too_many_rows_are_refused_unparsed(no_pandas_parse):
    with pytest.raises(DataError, match="^The file has more than 5000 rows; the limit is 5000"):
        read_csv_table(b"a,b\n" + b"1,2\n" * (limits.MAX_ROWS + 1))
    # a link of a million one-character rows (1 KB compressed)
    text = _link(b"a\n" + b"1\n" * 1_000_000)
    assert len(text) < limits.MAX_CSV_BYTES // 1000
    with pytest.raises(DataError, match="more than 5000 rows"):
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
    with pytest.raises(DataError, match=r"^The file is 11,067,214 bytes; the limit is "
                                        r"11,067,213 bytes \(5000 rows of 33 columns\)"):
        read_csv_table(b" " * (limits.MAX_CSV_BYTES + 1))
    upload = io.BytesIO(b"x" * (limits.MAX_CSV_BYTES + 10**6))
    with pytest.raises(DataError, match="11,067,214 bytes"):  # reads no more than one byte over
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
    df = pd.DataFrame({
        "=HYPERLINK(\"http://x\")": [1.0, 2.0, 3.0],
        "b": [-3.5, 1e-3, 2.5],
        "c": ["=1+1", "-3.5", "@SUM(A1)"],
        "d": ["+cmd|' /C calc'!A0", "\tx", "\r=y"],
        "e": ["-", "1e-3", "+2"],
        "split": ["train", "test", "predict"],
    })
    text = to_csv_bytes(df).decode()
    lines = text.splitlines()
    assert lines[0].startswith("\"'=HYPERLINK(\"\"http://x\"\")\",b,c,d,e,split")
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
    df["c"] = df["c"].astype(float)         # what an edit in the editor can leave behind
    df.loc[1, "c"] = 4.0
    assert df["a"].dtype == np.float64 and df["c"].dtype == np.float64
    lines = to_csv_bytes(df).decode().splitlines()
    assert lines == ["a,b,c,split", "1,0.5,7,train", "2,1.5,4,test", ",2.5,9,train"]
    back = read_csv_table(to_csv_bytes(df))
    assert back["c"].dtype == np.int64 and back["a"].tolist()[:2] == [1, 2]
    assert math.isnan(back["a"].tolist()[2])


def test_floats_that_are_not_plain_integers_keep_their_exact_value():
    df = pd.DataFrame({"big": [1e300, 2.0], "neg0": [-0.0, 1.0], "inf": [math.inf, 1.0],
                       "mixed": [2.0, "x"], "frac": [0.1 + 0.2, 3.0]})
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
    df = table_from_arrays([[1.0, 1e308], [2.0, -1e308], [3.0, 0.0]], [0.1, 0.2, 0.3],
                           ["a", "huge"], "y")
    with pytest.raises(DataError, match=(
            rf"^Column 'huge' ranges from -1e\+308 to 1e\+308: its range is too large to scale "
            rf"with '{scaling}'")):
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
