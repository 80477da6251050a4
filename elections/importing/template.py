"""The import template of ``workbooks.md`` section 1: sheet names, columns
and header spellings.

The English headers are the contract; Vietnamese aliases are accepted in
addition. Headers are compared by ``header_key``: case, spaces, punctuation
and diacritics ignored, so ``party  MEMBERS``, ``Số đảng viên`` and
``So dang vien`` all name the same column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hamlets import text

from .messages import Label


def header_key(value: object) -> str:
    """What a header or sheet name is compared by."""
    return re.sub(r"[^0-9a-z]", "", text.search_key(value))


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the contract's spelling
    vi: str  # the Vietnamese label, for messages
    aliases: tuple[str, ...] = ()
    header_required: bool = True  # the header must be present (its cells may still be blank)
    percent: bool = False  # a number typed with a % format is read as the percentage shown

    @property
    def label(self) -> Label:
        return Label(self.vi, self.header)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    by_key: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for spelling in (column.header, column.vi, *column.aliases):
                self.by_key.setdefault(header_key(spelling), column.field)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    def label(self, name: str) -> Label:
        return self.column(name).label


PROVINCE = Column("province", "Province", "Tỉnh", ("Tỉnh/Thành phố", "Tỉnh, thành phố"))
DISTRICT = Column("district", "District", "Huyện", ("Huyện/Thị xã/Thành phố", "Quận/Huyện", "Huyện, thị xã"))
COMMUNE = Column("commune", "Commune", "Xã", ("Xã/Phường/Thị trấn", "Phường/Xã", "Xã, phường, thị trấn"))
HAMLET = Column("hamlet", "Hamlet", "Thôn/xóm", ("Thôn", "Thôn, xóm", "Tên thôn", "Thôn/bản", "Thôn, xóm, bản"))
TERM = Column("term", "Term", "Nhiệm kỳ")
# Optional headers of the 2025 list: a commune beside District (Targets, Admission targets), and the
# hamlet's earlier units where a 2025-list row names a hamlet (``workbooks.md``, steps 1 and 2).
NEW_COMMUNE = Column("commune", "Commune", "Xã", ("Xã/Phường/Thị trấn", "Phường/Xã", "Xã, phường, thị trấn",
                                                  "Xã, phường", "Xã/Phường"), header_required=False)
FORMER_DISTRICT = Column("former_district", "Former district", "Huyện cũ", ("Huyện trước 01/07/2025",),
                         header_required=False)
FORMER_COMMUNE = Column("former_commune", "Former commune", "Xã cũ", ("Xã trước 01/07/2025",),
                        header_required=False)
FORMER_COMMUNE_CODE = Column("former_commune_code", "Former commune code", "Mã xã cũ", header_required=False)
FORMER = (FORMER_DISTRICT, FORMER_COMMUNE, FORMER_COMMUNE_CODE)

HAMLETS = SheetSpec("Hamlets", (
    PROVINCE, DISTRICT, COMMUNE, HAMLET,
    Column("kind", "Kind", "Loại", ("Loại thôn",)),
    Column("special_area", "Special area", "Địa bàn đặc thù", ("Đặc thù",)),
    Column("project01", "Project 01", "Đề án 01", ("Thuộc Đề án 01",)),
    Column("party_members", "Party members", "Số đảng viên"),
    Column("party_cell", "Party cell", "Chi bộ", ("Có chi bộ",)),
    TERM,
    Column("congress_held_on", "Congress held on", "Ngày đại hội", ("Ngày đại hội chi bộ",)),
    Column("secretary", "Secretary", "Bí thư"),
    Column("deputy_secretary", "Deputy secretary", "Phó bí thư"),
    Column("chief_elected_on", "Chief elected on", "Ngày bầu trưởng thôn", ("Ngày bầu",)),
    Column("chief", "Chief", "Trưởng thôn"),
    Column("chief_member_since", "Chief member since", "Ngày vào Đảng của trưởng thôn", ("Ngày vào Đảng",)),
    Column("chief_party_role", "Chief Party role", "Chức vụ trong chi bộ của trưởng thôn",
           ("Chức vụ trong chi bộ", "Chức vụ Đảng")),
    Column("district_code", "District code", "Mã huyện", header_required=False),
    Column("commune_code", "Commune code", "Mã xã", header_required=False),
    *FORMER,
), required=True)

TARGETS = SheetSpec("Targets", (
    PROVINCE, DISTRICT, NEW_COMMUNE, TERM,
    Column("metric", "Metric", "Chỉ tiêu"),
    Column("special_area_only", "Special area only", "Chỉ địa bàn đặc thù"),
    Column("percent", "Target %", "Mục tiêu %", ("Mục tiêu (%)", "Mục tiêu"), percent=True),
    Column("year", "Year", "Năm", header_required=False),
))

ADMISSIONS = SheetSpec("Admissions", (
    PROVINCE, DISTRICT, COMMUNE, HAMLET,
    Column("full_name", "Full name", "Họ và tên", ("Họ tên",)),
    Column("birth_year", "Birth year", "Năm sinh"),
    Column("gender", "Gender", "Giới tính"),
    Column("ethnicity", "Ethnicity", "Dân tộc"),
    Column("admitted_on", "Admitted on", "Ngày kết nạp"),
    Column("sitting_chief", "Sitting chief", "Đang là trưởng thôn"),
    FORMER_DISTRICT, FORMER_COMMUNE,
))

ADMISSION_TARGETS = SheetSpec("Admission targets", (
    PROVINCE, DISTRICT, NEW_COMMUNE,
    Column("year", "Year", "Năm"),
    Column("target", "Target", "Chỉ tiêu kết nạp", ("Chỉ tiêu",)),
))

# Places an unplaced hamlet of the earlier list in a commune of the 2025 list; ``Commune`` blank skips the
# row. ``place_hamlets --out`` adds a last column ``Candidates``, ignored here.
PLACEMENTS = SheetSpec("Placements", (
    PROVINCE,
    Column("former_district", "Former district", "Huyện cũ", ("Huyện trước 01/07/2025", "Huyện")),
    Column("former_commune", "Former commune", "Xã cũ", ("Xã trước 01/07/2025",)),
    FORMER_COMMUNE_CODE,
    HAMLET,
    Column("commune", "Commune", "Xã, phường (từ 01/07/2025)", ("Xã mới", "Xã, phường", "Xã/Phường", "Xã")),
))

# In the order they are read.
SHEETS: tuple[SheetSpec, ...] = (HAMLETS, TARGETS, ADMISSIONS, ADMISSION_TARGETS, PLACEMENTS)


def write_sheet(workbook: Any, spec: SheetSpec, rows: Iterable[Sequence[Any]] = ()) -> Any:
    """Add a sheet of the template to an openpyxl workbook: its headers (every column, optional ones
    included) in bold, frozen, then ``rows`` (cells in column order)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(spec.name)
    headers = [c.header for c in spec.columns]
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
    if getattr(workbook, "write_only", False):
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
    else:
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    return sheet

