"""Hostile and odd files for the import, built byte by byte (no spreadsheet program needed).

Used by ``tests/test_import_files.py`` and ``benchmarks/hostile_files.py``.
``raw_workbook({"Hamlets": sheet_xml(...)})`` gives the bytes of a minimal
``.xlsx`` whose sheet XML is exactly what the test wrote; ``compound_file``
an OLE2 compound file (the container of an old ``.xls`` and of a
password-protected workbook) with the streams given.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from elections.importing.template import HAMLETS
from tests.workbooks import HEADERS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
# Styles: 0 general, 1 a date (yyyy-mm-dd), 2 a percent (0%), 3 a custom percent (0.0%).
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
          '<numFmt numFmtId="165" formatCode="0.0%"/></numFmts><cellXfs count="4"><xf numFmtId="0"/>'
          '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/>'
          '<xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>')


def cell(ref: str, value: object = None, *, style: int | None = None, formula: str | None = None,
         kind: str | None = None) -> str:
    """One ``<c>``: text as an inline string, numbers as numbers, ``kind`` forces the type (``e``, ``b``, ``str``)."""
    attributes = f' r="{ref}"' + (f' s="{style}"' if style is not None else "")
    body = f"<f>{escape(formula)}</f>" if formula is not None else ""
    if kind is None and isinstance(value, str) and formula is None:
        return f'<c{attributes} t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if kind is None and isinstance(value, bool):
        kind, value = "b", int(value)
    if kind:
        attributes += f' t="{kind}"'
    if value is not None:
        body += f"<v>{escape(str(value))}</v>"
    return f"<c{attributes}>{body}</c>"


def row(number: int | None, cells: Iterable[str]) -> str:
    return (f'<row r="{number}">' if number is not None else "<row>") + "".join(cells) + "</row>"


def header_row(headers: Sequence[str] = tuple(HEADERS["Hamlets"])) -> str:
    return row(1, (cell(f"{letter(i)}1", h) for i, h in enumerate(headers)))


def values_row(number: int, values: Sequence[object]) -> str:
    return row(number, (cell(f"{letter(i)}{number}", v) for i, v in enumerate(values) if v is not None))


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(rows: Iterable[str], dimension: str | None = None, prolog: str = "") -> str:
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}<worksheet xmlns="{MAIN}">'
            f'{head}<sheetData>{"".join(rows)}</sheetData></worksheet>')


def raw_workbook(sheets: dict[str, str | bytes], *, macros: bool = False, extra: dict[str, bytes] | None = None,
                 styles: str = STYLES, strings: Sequence[str] = ()) -> bytes:
    """The bytes of an .xlsx holding ``sheets`` (title -> the sheet's XML) and nothing else but the parts
    every workbook needs; ``macros`` adds a VBA project and the macro-enabled content type (an .xlsm);
    ``strings``, a shared-strings part (cells ``t="s"`` give their index)."""
    buffer = io.BytesIO()
    main_type = MACRO_WORKBOOK_TYPE if macros else WORKBOOK_TYPE
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
                            for i in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + ('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' if macros else "")
            + f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
            f"{overrides}</Types>"))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        entries = "".join(f'<sheet name="{escape(title)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, title in enumerate(sheets, start=1))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f"<sheets>{entries}</sheets></workbook>"))
        links = "".join(f'<Relationship Id="rId{i}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(sheets) + 1))
        links += f'<Relationship Id="rIdS" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        if strings:
            links += f'<Relationship Id="rIdT" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
            archive.writestr("xl/sharedStrings.xml", (
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(strings)}" '
                f'uniqueCount="{len(strings)}">{items}</sst>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">{links}'
            "</Relationships>"))
        archive.writestr("xl/styles.xml", f'<?xml version="1.0" encoding="UTF-8"?>{styles}')
        for i, xml in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        if macros:
            archive.writestr("xl/vbaProject.bin", compound_file({"VBA": b"Attribute VB_Name = \"Module1\"" * 200}))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- OLE2 compound files ---------------------------------------------------------

_SECTOR = 512
_FREE, _END, _FAT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors) with ``streams`` under its root entry.

    Each stream is padded to at least 4,096 bytes so that all live in regular
    sectors (no mini stream); one FAT sector, so at most about 60 KB in all.
    """
    names = list(streams)
    data = [streams[n].ljust(4096, b"\0") for n in names]
    chains: list[tuple[int, int]] = []  # (first sector, sector count) of each stream
    sector = 2  # 0: the FAT, 1: the directory
    for payload in data:
        count = -(-len(payload) // _SECTOR)
        chains.append((sector, count))
        sector += count
    if sector > _SECTOR // 4 or len(names) > 3:
        raise ValueError("too large for this small writer")
    fat = [_FAT, _END]
    for first, count in chains:
        fat += [first + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))
    header = bytearray(_SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    struct.pack_into("<109I", header, 76, 0, *([_FREE] * 108))
    ordered = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    directory = _entry("Root Entry", 5, child=1 + ordered[0] if names else _NONE, start=_END, size=0)
    following = {i: (1 + ordered[n + 1] if n + 1 < len(ordered) else _NONE) for n, i in enumerate(ordered)}
    entries = [_entry(names[i], 2, right=following[i], start=chains[i][0], size=len(streams[names[i]]))
               for i in range(len(names))]  # right siblings chained in the order compound files sort names
    directory = b"".join([directory, *entries]).ljust(_SECTOR, b"\0")
    for offset in range(128 * (1 + len(names)), _SECTOR, 128):  # unused entries: no siblings, no child
        directory = directory[:offset + 68] + struct.pack("<III", _NONE, _NONE, _NONE) + directory[offset + 80:]
    body = b"".join(payload.ljust(count * _SECTOR, b"\0") for payload, (_first, count) in zip(data, chains,
                                                                                             strict=True))
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + directory + body


def _entry(name: str, kind: int, *, right: int = _NONE, child: int = _NONE, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    entry = bytearray(128)
    entry[0:len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, _NONE, right, child)
    struct.pack_into("<II", entry, 116, start, size)
    return bytes(entry)


def encrypted_workbook(seed: int = 1) -> bytes:
    """A workbook protected by a password as Excel saves it: an OLE2 file with ``EncryptionInfo`` (agile
    encryption, version 4.4) and ``EncryptedPackage`` (the encrypted .xlsx, here random bytes)."""
    rng = random.Random(seed)
    descriptor = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
                  b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
                  b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
                  b'hashAlgorithm="SHA512" saltValue="' + bytes(rng.randbytes(16)).hex().encode() + b'"/></encryption>')
    package = struct.pack("<Q", 12_000) + rng.randbytes(12_288)
    return compound_file({"EncryptionInfo": struct.pack("<HHI", 4, 4, 0x40) + descriptor,
                          "EncryptedPackage": package})


def old_xls(seed: int = 2) -> bytes:
    """An Excel 97-2003 workbook's container: an OLE2 file with a ``Workbook`` stream (BIFF8 records)."""
    return compound_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + random.Random(seed).randbytes(6000)})


def hamlet_values(**changes: object) -> list[object]:
    """A valid Hamlets row (the values under ``HEADERS["Hamlets"]``), as ``tests.workbooks.hamlet_row``."""
    from tests.workbooks import hamlet_row

    values = hamlet_row(**changes)
    fields = [HAMLETS.by_key.get(_key(h), h) for h in HEADERS["Hamlets"]]
    return [v.isoformat() if isinstance(v, dt.date) else v for v in (values.get(f) for f in fields)]


def _key(header: str) -> str:
    from elections.importing.template import header_key

    return header_key(header)
