"""adapters/zip_parts.py: replaced members are new, every other member is copied as stored."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.workbook_fixtures import stored
from zaiko_xl.adapters.zip_parts import ZipFormatError, rewrite


def _package(path, descriptor: bool = False):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("a.xml", (2020, 5, 17, 10, 0, 0)), b"<a/>" * 100, zipfile.ZIP_DEFLATED, 9)
        zf.writestr("stored.bin", b"\x00\x01" * 50, zipfile.ZIP_STORED)
        zf.writestr("b.xml", "<b>日本語</b>".encode() * 10, zipfile.ZIP_DEFLATED, 1)
    if descriptor:  # members written through a non-seekable stream carry data descriptors
        buffer = io.BytesIO()

        class Unseekable(io.RawIOBase):
            def writable(self):
                return True

            def write(self, data):
                return buffer.write(data)

        with zipfile.ZipFile(path) as src, zipfile.ZipFile(Unseekable(), "w") as zf:
            for info in src.infolist():
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                with zf.open(copy, "w") as member:
                    member.write(src.read(info))
        path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("descriptor", [False, True], ids=["plain", "data-descriptors"])
def test_only_the_replaced_member_changes(tmp_path, descriptor):
    src, dst = tmp_path / "in.zip", tmp_path / "out.zip"
    _package(src, descriptor)
    with open(dst, "wb") as out:
        written = rewrite(src, out, {"b.xml": [b"<b>", "新しい".encode(), b"</b>"]})
    before, after = stored(src), stored(dst)
    assert written == list(before) == list(after)
    assert after["a.xml"] == before["a.xml"] and after["stored.bin"] == before["stored.bin"]
    with zipfile.ZipFile(dst) as zf:
        assert zf.testzip() is None
        assert zf.read("b.xml") == "<b>新しい</b>".encode()
        assert zf.getinfo("b.xml").date_time == zipfile.ZipFile(src).getinfo("b.xml").date_time


def test_members_can_be_dropped_and_unknown_ones_are_refused(tmp_path):
    src, dst = tmp_path / "in.zip", tmp_path / "out.zip"
    _package(src)
    with open(dst, "wb") as out:
        rewrite(src, out, {}, drop=frozenset({"stored.bin"}))
    assert zipfile.ZipFile(dst).namelist() == ["a.xml", "b.xml"]
    with open(dst, "wb") as out, pytest.raises(KeyError, match=r"nope\.xml"):
        rewrite(src, out, {"nope.xml": b""})


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    bad = tmp_path / "bad.xlsm"
    bad.write_bytes(b"not a zip at all")
    with open(tmp_path / "out", "wb") as out, pytest.raises(ZipFormatError):
        rewrite(bad, out, {})
