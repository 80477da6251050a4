"""Checking an uploaded file before any of it is parsed: is it a sane .xlsx archive?

``check_archive`` refuses (``Refused``, one message) from the file's first
bytes, its zip directory and a few kilobytes of a few members, fast and in
bounded memory, whatever the file declares:

* over ``MAX_FILE_BYTES``, or empty;
* an OLE2 compound file (``D0 CF 11 E0 A1 B1 1A E1``): a password-protected
  (encrypted) workbook when its directory names ``EncryptionInfo`` and
  ``EncryptedPackage``, which gets its own message; else an old ``.xls`` or
  another Office file, "not an .xlsx";
* not a zip archive, more than ``MAX_MEMBERS`` members, or no
  ``xl/workbook.xml`` (a renamed CSV, random bytes, a ``.xlsb``);
* a workbook with macros (``.xlsm``, ``.xltm``, ``.xlam``): a
  ``vbaProject.bin`` member, or a ``macroEnabled`` content type;
* members whose encrypted flag is set (zip encryption);
* more than ``MAX_UNCOMPRESSED`` bytes declared in total, or a member
  compressed more than ``MAX_RATIO``:1 (a zip bomb). The declared sizes bound
  what any reader inflates: Python's ``zipfile`` and calamine's zip reader
  both stop at a member's declared size (calamine: "File is larger than its
  declared uncompressed size");
* an XML member whose prolog holds a document type (``<!DOCTYPE``, where
  entities are declared: the "billion laughs"), or whose root element does
  not start within its first ``PROLOG_BYTES`` bytes.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from typing import IO

from . import messages as msg

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
PROLOG_BYTES = 4096
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_CONTENT = re.compile(rb"macroEnabled", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_EOCD = b"PK\x05\x06"

Source = str | os.PathLike[str] | IO[bytes]


class Refused(Exception):
    """The whole file is refused; ``message`` says why, in the clerk's words."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


def check_archive(source: Source) -> None:
    """Refuse anything that is not a sane .xlsx archive (see the module's docstring)."""
    with _opened(source) as stream:
        size = stream.seek(0, os.SEEK_END)
        if size > MAX_FILE_BYTES:
            raise Refused(msg.too_large(MAX_FILE_BYTES // (1024 * 1024)))
        if size == 0:
            raise Refused(msg.not_xlsx("tệp rỗng", "the file is empty"))
        stream.seek(0)
        if stream.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE:
            _refuse_compound_file(stream)
        _check_member_count(stream, size)
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                _check_members(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, ValueError,
                EOFError, RuntimeError, KeyError):
            raise Refused(msg.not_xlsx()) from None


class _opened:
    """A seekable binary stream of ``source``, closed afterwards only when opened here."""

    def __init__(self, source: Source):
        self.source = source
        self.own = isinstance(source, str | os.PathLike)

    def __enter__(self) -> IO[bytes]:
        if self.own:
            try:
                self.stream: IO[bytes] = open(self.source, "rb")  # noqa: SIM115 - closed in __exit__
            except OSError:
                raise Refused(msg.file_missing(os.fspath(self.source))) from None  # type: ignore[arg-type]
        else:
            self.stream = self.source  # type: ignore[assignment]
        return self.stream

    def __exit__(self, *exc: object) -> None:
        if self.own:
            self.stream.close()
        else:
            self.stream.seek(0)


def _check_member_count(stream: IO[bytes], size: int) -> None:
    """Refuse a zip whose end record declares too many members, before ``zipfile`` lists them all."""
    tail_size = min(size, 22 + 65_535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        raise Refused(msg.not_xlsx())
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    if entries > MAX_MEMBERS:  # 0xFFFF (a zip64 archive) as well: no workbook has that many parts
        raise Refused(msg.too_many_members(MAX_MEMBERS))


def _check_members(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Refused(msg.too_many_members(MAX_MEMBERS))
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise Refused(msg.not_xlsx("không có xl/workbook.xml", "no xl/workbook.xml inside"))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Refused(msg.MACROS)
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused(msg.PASSWORD)
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise Refused(msg.zip_too_large(MAX_UNCOMPRESSED // (1024 * 1024)))
    for member in members:
        if member.file_size and (not member.compress_size or member.file_size / member.compress_size > MAX_RATIO):
            ratio = member.file_size / member.compress_size if member.compress_size else float("inf")
            raise Refused(msg.zip_ratio(member.filename, ratio, MAX_RATIO))
    try:
        if "[Content_Types].xml" in names:
            with archive.open("[Content_Types].xml") as stream:
                if MACRO_CONTENT.search(stream.read(4 * 1024 * 1024)):
                    raise Refused(msg.MACROS)
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")):
                check_prolog(archive, member.filename)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise Refused(msg.unreadable_file(type(error).__name__)) from None  # a damaged member


def check_prolog(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an XML member with a document type (entity declarations) before its root element."""
    with archive.open(name) as stream:
        head = stream.read(PROLOG_BYTES)
    root = _FIRST_ELEMENT.search(head)
    prolog = head[:root.start()] if root else head
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise Refused(msg.xml_entities(name))
    if root is None and head.strip():
        raise Refused(msg.unreadable_file(f"{name}: no XML element in the first {PROLOG_BYTES} bytes"))


# --- OLE2 compound files (old .xls, encrypted workbooks) ----------------------

_END_OF_CHAIN = 0xFFFFFFFE


def _refuse_compound_file(stream: IO[bytes]) -> None:
    """An OLE2 file is never an .xlsx: say whether it is an encrypted workbook or an old .xls."""
    names = compound_file_names(stream)
    if {"encryptioninfo", "encryptedpackage"} <= names:
        raise Refused(msg.PASSWORD)
    if names & {"workbook", "book"}:
        raise Refused(msg.not_xlsx("một tệp .xls cũ", "an old .xls file"))
    raise Refused(msg.not_xlsx())


def compound_file_names(stream: IO[bytes]) -> set[str]:
    """The names (lowercase) of the entries of an OLE2 compound file's directory; empty if it is damaged.

    Reads the header, the FAT (through the DIFAT) and the directory's chain of
    sectors, each bounded by the file's size: a damaged or hostile file yields
    what could be read, never a loop.
    """
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512:
        return set()
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        return set()
    sector = 1 << shift
    sectors = size // sector
    fat_count, first_directory = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)

    def read(number: int) -> bytes:
        if number >= sectors:
            return b""
        stream.seek((number + 1) * sector)
        return stream.read(sector)

    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    next_difat, seen = first_difat, 0
    while next_difat < sectors and seen < min(difat_count, sectors):
        data = read(next_difat)
        if len(data) < sector:
            break
        entries = struct.unpack(f"<{sector // 4}I", data)
        fat_sectors.extend(entries[:-1])
        next_difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for number in fat_sectors[:min(fat_count, sectors)]:
        data = read(number)
        if len(data) == sector:
            fat.extend(struct.unpack(f"<{sector // 4}I", data))
    names: set[str] = set()
    current, visited = first_directory, 0
    while current != _END_OF_CHAIN and current < len(fat) and visited < sectors:
        data = read(current)
        for offset in range(0, len(data) - 127, 128):
            length = struct.unpack_from("<H", data, offset + 64)[0]
            if 2 <= length <= 64 and data[offset + 66] in (1, 2, 5):
                names.add(data[offset:offset + length - 2].decode("utf-16-le", "replace").lower())
        current, visited = fat[current], visited + 1
    return names
