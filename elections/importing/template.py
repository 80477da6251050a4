"""The import template of ``workbooks.md`` section 1: sheet names, columns
and header spellings.

The English headers are the contract; Vietnamese aliases are accepted in
addition. Headers are compared by ``header_key``: case, spaces, punctuation
and diacritics ignored, so ``party  MEMBERS``, ``Số đảng viên`` and
``So dang vien`` all name the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
), required=True)

TARGETS = SheetSpec("Targets", (
    PROVINCE, DISTRICT, TERM,
    Column("metric", "Metric", "Chỉ tiêu"),
    Column("special_area_only", "Special area only", "Chỉ địa bàn đặc thù"),
    Column("percent", "Target %", "Mục tiêu %", ("Mục tiêu (%)", "Mục tiêu"), percent=True),
))

ADMISSIONS = SheetSpec("Admissions", (
    PROVINCE, DISTRICT, COMMUNE, HAMLET,
    Column("full_name", "Full name", "Họ và tên", ("Họ tên",)),
    Column("birth_year", "Birth year", "Năm sinh"),
    Column("gender", "Gender", "Giới tính"),
    Column("ethnicity", "Ethnicity", "Dân tộc"),
    Column("admitted_on", "Admitted on", "Ngày kết nạp"),
    Column("sitting_chief", "Sitting chief", "Đang là trưởng thôn"),
))

ADMISSION_TARGETS = SheetSpec("Admission targets", (
    PROVINCE, DISTRICT,
    Column("year", "Year", "Năm"),
    Column("target", "Target", "Chỉ tiêu kết nạp", ("Chỉ tiêu",)),
))

# In the order they are read.
SHEETS: tuple[SheetSpec, ...] = (HAMLETS, TARGETS, ADMISSIONS, ADMISSION_TARGETS)
