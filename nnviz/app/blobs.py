"""Blobs a saved run is made of — ``.npz`` archives of arrays, JSON, compressed text — written
and read with bounds: nothing is unpacked before its declared size is checked.

An ``.npz`` is a zip of ``.npy`` files (``numpy.load`` reads what :func:`write_npz` writes).
:func:`read_npz` reads one with ``allow_pickle=False``, after checking from the zip's
directory alone how many members it has, their names and their sizes, and checks each
array's type and size against what the caller expects. Every failure is a
:class:`BlobError` (a ValueError) saying what is wrong.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

MAX_HEADER = 4096  # bytes of an .npy header (numpy writes 128)


class BlobError(ValueError):
    """A blob that is damaged, cut short, too large, or not what was expected."""


@dataclass(frozen=True)
class ArraySpec:
    """What one member of an .npz must be: its dtype, its number of dimensions, at most
    how many elements, and whether it may be missing."""

    dtype: str
    ndim: int
    max_size: int
    optional: bool = False


def write_npz(arrays: Mapping[str, np.ndarray], compress: bool = False) -> bytes:
    """An .npz of these arrays (``name.npy`` each); ``compress``: deflate, level 1."""
    buffer = io.BytesIO()
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(
        buffer, "w", compression=mode, compresslevel=1 if compress else None
    ) as zf:
        for name, array in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def read_npz(blob: bytes, spec: Mapping[str, ArraySpec], what: str) -> dict[str, np.ndarray]:
    """The arrays of an .npz, each as ``spec`` says, or a BlobError naming ``what``.

    Checked before anything is unpacked: the members' count and names (each a name of
    ``spec`` + ``.npy``, no other) and their declared sizes (each at most its spec's
    elements × item size + a header). Then each member is read up to its declared size
    (its CRC checked), parsed with ``allow_pickle=False`` and checked for dtype,
    dimensions and size.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise BlobError(f"{what} is damaged or cut short (not an .npz archive)") from error
    names = {f"{name}.npy": name for name in spec}
    if len(members) > len(spec) or len({m.filename for m in members}) != len(members):
        raise BlobError(f"{what} holds {len(members)} members; at most {len(spec)} expected")
    for m in members:
        name = names.get(m.filename)
        if name is None:
            raise BlobError(f"{what} holds an unexpected member {m.filename[:60]!r}")
        s = spec[name]
        if m.file_size > s.max_size * np.dtype(s.dtype).itemsize + MAX_HEADER:
            raise BlobError(f"{what}: {name} is {m.file_size:,} bytes, larger than expected")
    missing = [n for n, s in spec.items() if not s.optional and f"{n}.npy" not in
               {m.filename for m in members}]  # fmt: skip
    if missing:
        raise BlobError(f"{what} lacks {missing[0]}")
    out = {}
    for m in members:
        name = names[m.filename]
        out[name] = _member(archive, m, spec[name], f"{what}: {name}")
    return out


def _member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, s: ArraySpec, what: str):
    try:
        with archive.open(member) as handle:
            data = handle.read(member.file_size + 1)
        if len(data) != member.file_size:
            raise BlobError(f"{what} is not the size its archive says")
        array = np.lib.format.read_array(
            io.BytesIO(data), allow_pickle=False, max_header_size=MAX_HEADER
        )
    except BlobError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as e:
        raise BlobError(f"{what} is damaged or cut short") from e
    if array.dtype != np.dtype(s.dtype) or array.ndim != s.ndim or array.size > s.max_size:
        raise BlobError(
            f"{what} is {array.dtype} of shape {array.shape}; expected {s.dtype} with "
            f"{s.ndim} dimension(s) and at most {s.max_size:,} elements"
        )
    return array


def write_json(value) -> bytes:
    """JSON (UTF-8), exact for floats (NaN and ±Infinity written as JSON extensions)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def read_json(blob: bytes, limit: int, what: str):
    if len(blob) > limit:
        raise BlobError(f"{what} is {len(blob):,} bytes; at most {limit:,}")
    try:
        return json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BlobError(f"{what} is damaged (not JSON)") from error


def compress_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def inflate(blob: bytes, limit: int, what: str) -> bytes:
    """zlib-compressed bytes, unpacked as a stream that stops after ``limit`` bytes: a
    BlobError says ``what`` unpacks to more, is damaged or is cut short. Whatever the
    compression ratio, it never holds more than ``limit`` + 1 unpacked bytes."""
    try:
        unpack = zlib.decompressobj()
        raw = unpack.decompress(blob, limit + 1)
    except zlib.error as error:
        raise BlobError(f"{what} is damaged") from error
    if len(raw) > limit or unpack.unconsumed_tail:
        raise BlobError(f"{what} unpacks to more than {limit:,} bytes")
    if not unpack.eof:
        raise BlobError(f"{what} is cut short")
    return raw


def decompress_text(blob: bytes, limit: int, what: str) -> str:
    """zlib-compressed UTF-8 text of at most ``limit`` bytes (unpacking stops there)."""
    try:
        return inflate(blob, limit, what).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BlobError(f"{what} is damaged") from error
