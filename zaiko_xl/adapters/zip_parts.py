"""Rewrite a few members of a zip package and copy every other member byte for byte.

Python's ``zipfile`` can only re-compress what it copies, which changes the stored bytes of
parts we must not touch (VBA, drawings, the user's sheets). Here each unchanged member is
copied as stored: its local header, its compressed bytes and its data descriptor, and its
central-directory record with only the offset updated. Replaced members are deflated anew
and keep their name, date and attributes. ZIP64 packages (over 4 GB) are not supported.
"""

from __future__ import annotations

import mmap
import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_EOCD = b"PK\x05\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_FLAG_DESCRIPTOR = 0x0008
_FLAG_UTF8 = 0x0800
_DEFLATED = 8
_LOCAL_FMT = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL_FMT = struct.Struct("<4sHHHHHHIIIHHHHHII")
_EOCD_FMT = struct.Struct("<4sHHHHIIH")


class ZipFormatError(ValueError):
    """The file is not a zip package this module can rewrite."""


@dataclass(frozen=True, slots=True)
class Member:
    """One member as stored: its central record and where its stored bytes are."""

    name: str
    central: bytes  # the whole central-directory record (header, name, extra, comment)
    start: int  # offset of the local header
    end: int  # offset just past the data (and the data descriptor, if any)


def members(data: bytes | mmap.mmap) -> tuple[list[Member], bytes]:
    """The package's members in stored order and the archive comment."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0:
        raise ZipFormatError("no end-of-central-directory record (not a zip file)")
    _sig, _disk, _cd_disk, _n_disk, count, cd_size, cd_offset, comment_len = _EOCD_FMT.unpack_from(data, at)
    if count == 0xFFFF or cd_offset == 0xFFFFFFFF or cd_size == 0xFFFFFFFF:
        raise ZipFormatError("ZIP64 packages are not supported")
    comment = bytes(data[at + 22: at + 22 + comment_len])
    found: list[Member] = []
    pos = cd_offset
    for _ in range(count):
        fields = _CENTRAL_FMT.unpack_from(data, pos)
        if fields[0] != _CENTRAL:
            raise ZipFormatError(f"bad central directory record at {pos}")
        flags, csize, name_len, extra_len, comment_len_m, local = fields[3], fields[8], fields[10], fields[11], fields[12], fields[16]
        record_end = pos + 46 + name_len + extra_len + comment_len_m
        raw_name = bytes(data[pos + 46: pos + 46 + name_len])
        name = raw_name.decode("utf-8" if flags & _FLAG_UTF8 else "cp437")
        found.append(Member(name, bytes(data[pos:record_end]), local, _stored_end(data, local, csize, flags)))
        pos = record_end
    return found, comment


def _stored_end(data: bytes | mmap.mmap, local: int, csize: int, flags: int) -> int:
    fields = _LOCAL_FMT.unpack_from(data, local)
    if fields[0] != _LOCAL:
        raise ZipFormatError(f"bad local header at {local}")
    end = local + 30 + fields[9] + fields[10] + csize
    if flags & _FLAG_DESCRIPTOR:
        end += 16 if bytes(data[end:end + 4]) == _DESCRIPTOR else 12
    return end


def rewrite(src: Path, dst: BinaryIO, replace: Mapping[str, bytes | Iterable[bytes]],
            drop: frozenset[str] = frozenset(), level: int = 6) -> list[str]:
    """Write ``src`` to ``dst`` with ``replace``d members deflated anew and ``drop``ped ones left out.

    Every other member is copied as stored. ``dst`` must be seekable. Returns the member names
    written, in order. Raises ZipFormatError for a package it cannot copy faithfully and
    KeyError when a member to replace does not exist.
    """
    with open(src, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        stored, comment = members(data)
        missing = set(replace) - {m.name for m in stored}
        if missing:
            raise KeyError(f"members not in {src.name}: {sorted(missing)}")
        central: list[bytes] = []
        written: list[str] = []
        for member in stored:
            if member.name in drop:
                continue
            offset = dst.tell()
            if member.name in replace:
                central.append(_write_new(dst, member, replace[member.name], level))
            else:
                dst.write(data[member.start:member.end])
                central.append(member.central[:42] + struct.pack("<I", offset) + member.central[46:])
            written.append(member.name)
    cd_offset = dst.tell()
    for record in central:
        dst.write(record)
    cd_size = dst.tell() - cd_offset
    dst.write(_EOCD_FMT.pack(_EOCD, 0, 0, len(central), len(central), cd_size, cd_offset, len(comment)) + comment)
    return written


def _write_new(dst: BinaryIO, member: Member, content: bytes | Iterable[bytes], level: int) -> bytes:
    """Deflate ``content`` as ``member`` (same name, date, attributes); returns its central record."""
    head = _CENTRAL_FMT.unpack_from(member.central, 0)
    made_by, flags, mod_time, mod_date = head[1], head[3] & _FLAG_UTF8, head[5], head[6]
    name_len, comment_len = head[10], head[12]
    raw_name = member.central[46:46 + name_len]
    comment = member.central[46 + name_len + head[11]:46 + name_len + head[11] + comment_len]
    header_at = dst.tell()
    dst.write(b"\0" * (30 + name_len))  # patched below, once sizes and CRC are known
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    crc = usize = csize = 0
    for chunk in [content] if isinstance(content, bytes | bytearray) else content:
        crc = zlib.crc32(chunk, crc)
        usize += len(chunk)
        out = packer.compress(chunk)
        csize += len(out)
        dst.write(out)
    tail = packer.flush()
    csize += len(tail)
    dst.write(tail)
    if usize >= 0xFFFFFFFF or csize >= 0xFFFFFFFF:
        raise ZipFormatError(f"{member.name} would need ZIP64")
    end = dst.tell()
    dst.seek(header_at)
    dst.write(_LOCAL_FMT.pack(_LOCAL, 20, flags, _DEFLATED, mod_time, mod_date, crc, csize, usize, name_len, 0) + raw_name)
    dst.seek(end)
    return _CENTRAL_FMT.pack(_CENTRAL, made_by, 20, flags, _DEFLATED, mod_time, mod_date, crc, csize, usize,
                             name_len, 0, comment_len, 0, head[14], head[15], header_at) + raw_name + comment
