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
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        return self._by_field[name]

    def label(self, name: str) -> Label:
        return self._labels[name]  # asked for every cell an import reads

    @cached_property
    def _by_field(self) -> dict[str, Column]:
        return {c.field: c for c in reversed(self.columns)}  # the first column of a field wins, as next() did

    @cached_property
    def _labels(self) -> dict[str, Label]:
        return {name: column.label for name, column in self._by_field.items()}


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
# The people of a Hamlets row's election and congress (``domain.md`` item 8): optional headers; where one is
# absent the stored value stays as it is. The fields are the models' (``ChiefElection``, ``Congress``).
CHIEF_PROFILE = (
    Column("chief_birth_year", "Chief birth year", "Năm sinh trưởng thôn", ("Năm sinh của trưởng thôn",),
           header_required=False),
    Column("chief_gender", "Chief gender", "Giới tính trưởng thôn", ("Giới tính của trưởng thôn",),
           header_required=False),
    Column("chief_ethnicity", "Chief ethnicity", "Dân tộc trưởng thôn", ("Dân tộc của trưởng thôn",),
           header_required=False),
)
SECRETARY_PROFILE = (
    Column("secretary_birth_year", "Secretary birth year", "Năm sinh bí thư", ("Năm sinh của bí thư",),
           header_required=False),
    Column("secretary_gender", "Secretary gender", "Giới tính bí thư", ("Giới tính của bí thư",),
           header_required=False),
    Column("secretary_ethnicity", "Secretary ethnicity", "Dân tộc bí thư", ("Dân tộc của bí thư",),
           header_required=False),
)
PROFILE_FIELDS = tuple(c.field for c in (*CHIEF_PROFILE, *SECRETARY_PROFILE))

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
    *CHIEF_PROFILE, *SECRETARY_PROFILE,
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

# The people behind the numbers (``workbooks.md``, "Sheets Chief plans, Chief evaluations, Area officials"):
# every header required but the ``Former ...`` ones.
CHIEF = Column("chief", "Chief", "Trưởng thôn", ("Họ tên trưởng thôn",))
CHIEF_PLANS = SheetSpec("Chief plans", (
    PROVINCE, DISTRICT, COMMUNE, HAMLET, *FORMER, TERM, CHIEF,
    Column("mentor", "Mentor", "Người giúp đỡ", ("Người được phân công giúp đỡ",)),
    Column("started_on", "Plan started on", "Ngày bắt đầu", ("Ngày bắt đầu kế hoạch",)),
    Column("course_on", "Course completed on", "Ngày học xong lớp nhận thức về Đảng",
           ("Ngày học xong lớp cảm tình Đảng", "Ngày học xong lớp")),
    Column("application_on", "Application on", "Ngày nộp đơn xin vào Đảng", ("Ngày nộp đơn",)),
))

CHIEF_EVALUATIONS = SheetSpec("Chief evaluations", (
    PROVINCE, DISTRICT, COMMUNE, HAMLET, *FORMER,
    Column("year", "Year", "Năm", ("Năm đánh giá",)),
    CHIEF,
    Column("rating", "Rating", "Xếp loại", ("Kết quả đánh giá", "Kết quả xếp loại", "Đánh giá")),
))

AREA_OFFICIALS = SheetSpec("Area officials", (
    PROVINCE, DISTRICT, replace(NEW_COMMUNE, header_required=True),
    Column("official", "Official", "Cán bộ phụ trách", ("Họ và tên", "Họ tên", "Cán bộ")),
    Column("position", "Position", "Chức vụ"),
    Column("phone", "Phone", "Điện thoại", ("Số điện thoại",)),
))

# In the order they are read.
SHEETS: tuple[SheetSpec, ...] = (HAMLETS, TARGETS, ADMISSIONS, ADMISSION_TARGETS, PLACEMENTS, CHIEF_PLANS,
                                 CHIEF_EVALUATIONS, AREA_OFFICIALS)



# --- what each column means, for the instructions sheet -------------------------

REQUIRED: dict[str, tuple[str, ...]] = {
    "Hamlets": ("province", "commune", "hamlet", "party_members", "term"),
    "Targets": ("province", "term", "metric", "percent"),
    "Admissions": ("province", "commune", "hamlet", "full_name", "birth_year", "admitted_on"),
    "Admission targets": ("province", "year", "target"),
    "Placements": ("province", "former_commune", "hamlet"),
    "Chief plans": ("province", "commune", "hamlet", "term", "chief", "mentor", "started_on"),
    "Chief evaluations": ("province", "commune", "hamlet", "year", "chief", "rating"),
    "Area officials": ("province", "official"),
}

COLUMN_NOTES: dict[str | tuple[str, str], Any] = {
    "province": gettext_lazy("Tỉnh, ví dụ Nghệ An hoặc Tỉnh Nghệ An."),
    "district": gettext_lazy("Huyện theo danh mục trước 01/07/2025 (ví dụ Nghi Lộc); để trống với xã, phường từ "
                             "01/07/2025."),
    "commune": gettext_lazy("Xã theo danh mục trước 01/07/2025 khi có District; xã, phường từ 01/07/2025 khi "
                            "District để trống."),
    "hamlet": gettext_lazy("Tên thôn, xóm, bản, khối, tổ dân phố; chưa có thì được tạo mới trong xã."),
    "kind": gettext_lazy("Loại thôn (chọn trong danh sách)."),
    "special_area": gettext_lazy("Có/không: thôn thuộc địa bàn đặc thù."),
    "project01": gettext_lazy("Có/không: thôn thuộc Đề án 01."),
    "party_members": gettext_lazy("Số đảng viên đang sinh hoạt tại thôn (số nguyên, 0 đến 9.999)."),
    "party_cell": gettext_lazy("Có/không: thôn có chi bộ riêng."),
    "term": gettext_lazy("Nhiệm kỳ, ví dụ 2022-2025."),
    "congress_held_on": gettext_lazy("Ngày đại hội chi bộ; để trống nếu chưa đại hội (cần Party cell là có)."),
    "secretary": gettext_lazy("Họ tên bí thư chi bộ do đại hội bầu."),
    "deputy_secretary": gettext_lazy("Họ tên phó bí thư chi bộ (khác bí thư)."),
    "chief_elected_on": gettext_lazy("Ngày bầu trưởng thôn; để trống nếu chưa bầu."),
    "chief": gettext_lazy("Họ tên trưởng thôn (bắt buộc khi có ngày bầu)."),
    "chief_member_since": gettext_lazy("Ngày vào Đảng của trưởng thôn; để trống nếu chưa là đảng viên."),
    "chief_party_role": gettext_lazy("Trưởng thôn kiêm Bí thư hoặc Phó bí thư (khi đó tên phải trùng với cột "
                                     "tương ứng, cần ngày đại hội và ngày vào Đảng không sau ngày đại hội)."),
    "district_code": gettext_lazy("Mã huyện (không bắt buộc)."),
    "commune_code": gettext_lazy("Mã xã (không bắt buộc)."),
    "former_district": gettext_lazy("Chỉ khi District trống: huyện cũ của thôn, khi hai xã cũ cùng tên."),
    "former_commune": gettext_lazy("Chỉ khi District trống: xã cũ của thôn, khi xã, phường mới có thôn cùng "
                                   "tên."),
    "former_commune_code": gettext_lazy("Mã xã cũ (không bắt buộc; đã ghi thì mã quyết định)."),
    "metric": gettext_lazy("Chief elections completed, Chiefs who are Party members, Congresses completed hoặc "
                           "Chiefs also secretary or deputy (hoặc tên tiếng Việt của chỉ tiêu)."),
    "special_area_only": gettext_lazy("Có/không: mục tiêu chỉ cho các thôn địa bàn đặc thù."),
    "percent": gettext_lazy("Mục tiêu %, từ 0 đến 100."),
    "year": gettext_lazy("Năm (không bắt buộc với mục tiêu: mục tiêu của riêng năm đó)."),
    "full_name": gettext_lazy("Họ và tên người được kết nạp."),
    "birth_year": gettext_lazy("Năm sinh."),
    "gender": gettext_lazy("Nam hoặc Nữ."),
    "ethnicity": gettext_lazy("Dân tộc."),
    "admitted_on": gettext_lazy("Ngày kết nạp."),
    "sitting_chief": gettext_lazy("Có/không: đang là trưởng thôn khi được kết nạp."),
    "target": gettext_lazy("Số đảng viên mới cần kết nạp trong năm (0 đến 99.999)."),
    ("Targets", "district"): gettext_lazy("Huyện (danh mục trước 01/07/2025); để trống cùng Commune: cả tỉnh."),
    ("Targets", "commune"): gettext_lazy("Xã, phường từ 01/07/2025 (District để trống)."),
    ("Admission targets", "district"): gettext_lazy("Huyện (danh mục trước 01/07/2025)."),
    ("Admission targets", "commune"): gettext_lazy("Xã, phường từ 01/07/2025 (District để trống)."),
    ("Admission targets", "year"): gettext_lazy("Năm của chỉ tiêu."),
    ("Placements", "former_district"): gettext_lazy("Huyện cũ của thôn."),
    ("Placements", "former_commune"): gettext_lazy("Xã cũ của thôn (trước 01/07/2025)."),
    ("Placements", "commune"): gettext_lazy("Xã, phường mới để xếp thôn vào; để trống: bỏ qua dòng."),
    "chief_birth_year": gettext_lazy("Năm sinh của trưởng thôn (không bắt buộc; thiếu cột thì giữ nguyên, ô "
                                     "trống thì xóa)."),
    "chief_gender": gettext_lazy("Giới tính của trưởng thôn: Nam hoặc Nữ (không bắt buộc)."),
    "chief_ethnicity": gettext_lazy("Dân tộc của trưởng thôn, ví dụ Kinh, Thái, Mông (không bắt buộc)."),
    "secretary_birth_year": gettext_lazy("Năm sinh của bí thư chi bộ (không bắt buộc; trưởng thôn kiêm bí thư: "
                                         "để trống thì lấy theo trưởng thôn)."),
    "secretary_gender": gettext_lazy("Giới tính của bí thư: Nam hoặc Nữ (không bắt buộc)."),
    "secretary_ethnicity": gettext_lazy("Dân tộc của bí thư (không bắt buộc)."),
    ("Chief plans", "chief"): gettext_lazy("Họ tên trưởng thôn chưa là đảng viên được bồi dưỡng."),
    "mentor": gettext_lazy("Họ tên người được phân công giúp đỡ (tối đa 120 ký tự)."),
    "started_on": gettext_lazy("Ngày bắt đầu kế hoạch bồi dưỡng."),
    "course_on": gettext_lazy("Ngày học xong lớp nhận thức về Đảng; để trống nếu chưa học (không trước ngày "
                              "bắt đầu)."),
    "application_on": gettext_lazy("Ngày nộp đơn xin vào Đảng; để trống nếu chưa nộp (không trước ngày bắt "
                                   "đầu)."),
    ("Chief evaluations", "year"): gettext_lazy("Năm được đánh giá (từ 1930 đến năm nay)."),
    ("Chief evaluations", "chief"): gettext_lazy("Họ tên trưởng thôn được đánh giá."),
    "rating": gettext_lazy("Hoàn thành xuất sắc, Hoàn thành tốt, Hoàn thành hoặc Không hoàn thành (hoặc "
                           "excellent, good, completed, not completed)."),
    ("Area officials", "district"): gettext_lazy("Huyện được phụ trách (danh mục trước 01/07/2025); để trống "
                                                 "khi ghi Commune."),
    ("Area officials", "commune"): gettext_lazy("Xã, phường được phụ trách (danh mục từ 01/07/2025); để trống "
                                                "khi ghi District."),
    "official": gettext_lazy("Họ tên cán bộ phụ trách địa bàn (một người được nhận ra theo tỉnh và họ tên)."),
    "position": gettext_lazy("Chức vụ của cán bộ (lần nhập sau cùng được giữ)."),
    "phone": gettext_lazy("Số điện thoại: chữ số, dấu cách và + ( ) . -, tối đa 20 ký tự."),
}

# --- writing the template ----------------------------------------------------

INSTRUCTIONS_WIDTHS = (26, 40, 12, 100)
VALIDATED_ROWS = 100_001  # drop-downs down to the last row an import reads (``workbook.MAX_ROWS`` + header)
DATE_FORMAT = "DD/MM/YYYY"


def yes_no() -> tuple[str, ...]:
    return ("Có", "Không")


def kinds() -> tuple[str, ...]:
    """The kinds as the import reads them in any language (``HamletKind.parse``): Vietnamese."""
    from django.utils import translation

    from hamlets.models import HamletKind

    with translation.override("vi"):
        return tuple(str(kind.label) for kind in HamletKind)


def genders() -> tuple[str, ...]:
    return ("Nam", "Nữ")


def ratings() -> tuple[str, ...]:
    """The ratings as the import reads them in any language: the Vietnamese spellings."""
    from django.utils import translation

    from elections.people_models import Rating

    with translation.override("vi"):
        return tuple(str(rating.label) for rating in Rating)


# The drop-downs of each sheet: field -> the values offered (the import accepts other spellings too).
def drop_downs() -> dict[str, dict[str, tuple[str, ...]]]:
    return {
        HAMLETS.name: {"kind": kinds(), "special_area": yes_no(), "project01": yes_no(), "party_cell": yes_no(),
                       "chief_party_role": ("Bí thư", "Phó bí thư"), "chief_gender": genders(),
                       "secretary_gender": genders()},
        TARGETS.name: {"special_area_only": yes_no()},
        ADMISSIONS.name: {"gender": ("Nam", "Nữ"), "sitting_chief": yes_no()},
        CHIEF_EVALUATIONS.name: {"rating": ratings()},
    }


def write_sheet(workbook: Any, spec: SheetSpec, rows: Iterable[Sequence[Any]] = ()) -> Any:
    """Add a sheet of the template to an openpyxl workbook: its headers (every column, optional ones
    included, exactly the contract's English spelling) in bold, frozen, its drop-downs, then ``rows``
    (cells in column order)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from cadre_tracker.spreadsheets import xlsx_row

    sheet = workbook.create_sheet(spec.name)
    headers = [c.header for c in spec.columns]
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
    sheet.append(xlsx_row(sheet, headers, font=_bold()))
    for name, values in drop_downs().get(spec.name, {}).items():
        letter = get_column_letter(next(i for i, c in enumerate(spec.columns, start=1) if c.field == name))
        check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                               showErrorMessage=True, errorStyle="warning", errorTitle=_("Giá trị lạ"),
                               error=_("Nên chọn trong danh sách: %(values)s.") % {"values": ", ".join(values)})
        check.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.data_validations.append(check)
    for row in rows:
        sheet.append(list(row))
    return sheet


def template_workbook() -> tuple[Any, dict[str, Any]]:
    """The import template as a write-only workbook: the instructions sheet first (ignored by the
    import), then every sheet of ``SHEETS`` with its headers and drop-downs and no rows; the sheets
    by name, for the caller to add rows (``prefill``) before saving."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    write_instructions(workbook)
    sheets = {spec.name: write_sheet(workbook, spec) for spec in SHEETS}
    return workbook, sheets


def write_instructions(workbook: Any) -> Any:
    """The sheet ``Hướng dẫn``: what each sheet and column means, in Vietnamese."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    from cadre_tracker.spreadsheets import xlsx_row

    sheet = workbook.create_sheet(_("Hướng dẫn"))
    for index, width in enumerate(INSTRUCTIONS_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for kind, values in instruction_rows():
        if kind == "title":
            sheet.append(xlsx_row(sheet, values, font=_bold(14)))
        elif kind == "heading":
            sheet.append([])
            sheet.append(xlsx_row(sheet, values, font=_bold()))
        else:
            sheet.append(xlsx_row(sheet, values, alignment=wrap))
    return sheet


def instruction_rows() -> list[tuple[str, list[str]]]:
    """(kind, cells) of the instructions sheet: ``title``, ``heading`` or ``text`` rows."""
    from hamlets import bounds

    year = bounds.today().year
    rows: list[tuple[str, list[str]]] = [
        ("title", [_("Hướng dẫn điền mẫu nhập kết quả đại hội chi bộ và bầu trưởng thôn")]),
        ("text", [_("Trang này chỉ để đọc: khi nhập, trang Hướng dẫn được bỏ qua. Giữ nguyên tên các trang và "
                     "tiêu đề cột ở dòng 1 (tiếng Anh); tiêu đề tiếng Việt ở cột thứ hai dưới đây cũng được chấp "
                     "nhận. Dữ liệu từ dòng 2, mỗi dòng một thôn; dòng trống được bỏ qua.")]),
        ("heading", [_("Các trang"), _("Nội dung"), _("Bắt buộc")]),
        ("text", ["Hamlets", _("Mỗi dòng: một thôn trong một nhiệm kỳ (thông tin thôn, đại hội chi bộ, bầu "
                                "trưởng thôn)"), _("có")]),
        ("text", ["Targets", _("Mục tiêu (%) theo chỉ tiêu, của tỉnh, huyện hoặc xã, phường"), _("không")]),
        ("text", ["Admissions", _("Mỗi dòng: một người mới được kết nạp vào Đảng"), _("không")]),
        ("text", ["Admission targets", _("Chỉ tiêu kết nạp đảng viên theo năm"), _("không")]),
        ("text", ["Placements", _("Xếp thôn của xã bị chia tách vào xã, phường mới"), _("không")]),
        ("text", ["Chief plans", _("Mỗi dòng: kế hoạch bồi dưỡng một trưởng thôn chưa là đảng viên (dòng là toàn "
                                    "bộ kế hoạch: ô ngày để trống sẽ xóa bước đã lưu)"), _("không")]),
        ("text", ["Chief evaluations", _("Mỗi dòng: kết quả đánh giá, xếp loại một trưởng thôn trong một năm"),
                  _("không")]),
        ("text", ["Area officials", _("Mỗi dòng: một cán bộ phụ trách một huyện hoặc một xã, phường (chỉ Ban Tổ "
                                       "chức Tỉnh ủy được nhập)"), _("không")]),
        ("heading", [_("Hai danh mục đơn vị hành chính")]),
        ("text", [_("Trước 01/07/2025"), _("Tỉnh – huyện – xã: ghi đủ Province, District, Commune.")]),
        ("text", [_("Từ 01/07/2025"), _("Tỉnh – xã, phường (không còn cấp huyện): để trống District (và "
                                          "District code); Commune là xã, phường mới.")]),
        ("text", [_("Thôn trùng tên"), _("Khi xã, phường mới có hai thôn cùng tên (Xóm 1 của hai xã cũ sáp "
                                           "nhập), ghi thêm Former commune (xã cũ của thôn); nếu hai xã cũ cùng "
                                           "tên thì ghi cả Former district hoặc Former commune code.")]),
        ("text", [_("Mã"), _("District code, Commune code (mã theo danh mục của dòng) không bắt buộc; đã ghi "
                               "thì mã quyết định, tên chỉ để đối chiếu.")]),
        ("heading", [_("Cách ghi")]),
        ("text", [_("Ngày"), _("Ô ngày của Excel, hoặc chữ dạng DD/MM/YYYY (31/05/2025) hay YYYY-MM-DD "
                                 "(2025-05-31).")]),
        ("text", [_("Có/không"), _("có/không, x, yes/no, y/n, true/false, 1/0, chữ hoa hay thường đều được; "
                                     "ô trống là không.")]),
        ("text", [_("Nhiệm kỳ"), _("Dạng 2022-2025.")]),
        ("text", [_("Loại thôn"), ", ".join(kinds())]),
        ("text", [_("Chức vụ trong chi bộ của trưởng thôn"), _("Bí thư, Phó bí thư (hoặc Secretary, Deputy "
                                                                 "secretary), hoặc để trống.")]),
        ("text", [_("Giới tính"), _("Nam hoặc Nữ (hoặc male, female), chữ hoa hay thường, có dấu hay không dấu "
                                      "đều được.")]),
        ("text", [_("Năm sinh, giới tính, dân tộc"), _("Các cột Chief ... và Secretary ... của trang Hamlets không "
                                                        "bắt buộc: thiếu cột thì giữ nguyên thông tin đã lưu, ô "
                                                        "trống thì xóa; chỉ ghi khi có tên trưởng thôn (bí thư). "
                                                        "Trưởng thôn kiêm bí thư: ô của bí thư để trống thì lấy "
                                                        "theo trưởng thôn, đã ghi thì phải trùng.")]),
        ("text", [_("Thôn của các trang khác"), _("Các trang Admissions, Chief plans, Chief evaluations ghi thôn "
                                                   "như trang Hamlets nhưng không tạo thôn mới: thôn phải có sẵn "
                                                   "hoặc có trong trang Hamlets của cùng tệp.")]),
        ("text", [_("Một dòng là toàn bộ"), _("Mỗi dòng là toàn bộ kết quả của thôn trong nhiệm kỳ: ô ngày "
                                                "để trống sẽ xóa kết quả đã lưu; ngày bầu trưởng thôn sau lần bầu "
                                                "đã lưu là một lần bầu bổ sung.")]),
        ("heading", [_("Giới hạn")]),
        ("text", [_("Tên"), _("Tên thôn và tên người: tối đa %(n)s ký tự; dân tộc: tối đa %(e)s ký tự.")
                  % {"n": bounds.NAME_LENGTH, "e": bounds.ETHNICITY_LENGTH}]),
        ("text", [_("Điện thoại"), _("Tối đa %(p)s ký tự, gồm chữ số, dấu cách và + ( ) . -.")
                  % {"p": bounds.PHONE_LENGTH}]),
        ("text", [_("Số"), _("Số đảng viên: 0 đến %(m)s; mục tiêu %%: 0 đến 100; chỉ tiêu kết nạp: 0 đến "
                               "%(t)s.") % {"m": f"{bounds.MAX_PARTY_MEMBERS:,}".replace(",", "."),
                                            "t": f"{bounds.MAX_ADMISSION_TARGET:,}".replace(",", ".")}]),
        ("text", [_("Năm"), _("Năm sinh: %(b)s đến %(y)s; năm của mục tiêu, chỉ tiêu: %(f)s đến %(l)s.")
                  % {"b": bounds.FIRST_BIRTH_YEAR, "y": year, "f": bounds.FIRST_YEAR,
                     "l": year + bounds.YEARS_AHEAD}]),
        ("text", [_("Năm của mục tiêu, năm đánh giá"), _("Năm của mục tiêu (Targets) phải thuộc nhiệm kỳ của dòng; "
                                                          "năm đánh giá: %(f)s đến %(y)s.")
                  % {"f": bounds.FIRST_YEAR, "y": year}]),
        ("text", [_("Ngày"), _("Mọi ngày từ 01/01/1930 đến hôm nay.")]),
    ]
    for spec in SHEETS:
        rows.append(("heading", [_("Trang %(sheet)s: tiêu đề cột") % {"sheet": spec.name},
                                 _("Tiêu đề tiếng Việt được chấp nhận"), _("Bắt buộc"), _("Ý nghĩa")]))
        for column in spec.columns:
            rows.append(("text", [column.header, "; ".join((column.vi, *column.aliases)),
                                  _("có") if column.field in REQUIRED.get(spec.name, ()) else "",
                                  str(COLUMN_NOTES.get((spec.name, column.field)) or COLUMN_NOTES.get(column.field, ""))
                                  ]))
    return rows


def _bold(size: int | None = None) -> Any:
    from openpyxl.styles import Font

    return Font(bold=True, size=size) if size else Font(bold=True)
