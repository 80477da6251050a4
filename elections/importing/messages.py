"""The words of the import's messages: Vietnamese, then English, on one line.

Every message a district clerk reads is ``"<tiếng Việt> / <English>"``,
followed, where a cell could not be read, by ``, got "<what the cell holds>"``
(``Số đảng viên phải là số nguyên ≥ 0 / Party members must be a whole
number ≥ 0, got "ba"``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

_NOTHING = object()


@dataclass(frozen=True)
class Label:
    """A column's (or form field's) name in both languages."""

    vi: str
    en: str


def both(vi: str, en: str, got: object = _NOTHING) -> str:
    message = f"{vi} / {en}"
    if got is not _NOTHING:
        message += f', got "{shown(got)}"'
    return message


def shown(value: object) -> str:
    """A cell value as the clerk typed or sees it."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def day(value: dt.date) -> str:
    return value.isoformat()


# --- whole-file refusals -------------------------------------------------

def not_xlsx(detail_vi: str = "", detail_en: str = "") -> str:
    vi = "Tệp không phải là bảng tính Excel .xlsx" + (f" ({detail_vi})" if detail_vi else "")
    en = "The file is not an Excel .xlsx workbook" + (f" ({detail_en})" if detail_en else "")
    return both(vi + ": hãy lưu lại dưới dạng Excel Workbook (.xlsx)", en + ": save it as an Excel Workbook (.xlsx)")


UNSAFE_PARSER = both("Máy chủ chưa cài defusedxml nên không đọc bảng tính một cách an toàn được",
                     "The server cannot read workbooks safely: defusedxml is not installed or is disabled")


def file_missing(name: str) -> str:
    return both(f'Không tìm thấy tệp "{name}"', f'No file "{name}"')


def too_large(limit_mb: int) -> str:
    return both(f"Tệp lớn hơn {limit_mb} MB", f"The file is larger than {limit_mb} MB")


def zip_too_large(limit_mb: int) -> str:
    return both(f"Tệp khai báo hơn {limit_mb} MB khi giải nén (nghi là zip bomb)",
                f"The archive declares more than {limit_mb} MB uncompressed (a zip bomb?)")


def zip_ratio(member: str, ratio: float, limit: int) -> str:
    return both(f'Phần "{member}" của tệp nén với tỉ lệ {ratio:.0f}:1, vượt quá {limit}:1 (nghi là zip bomb)',
                f'The archive member "{member}" is compressed {ratio:.0f}:1, above {limit}:1 (a zip bomb?)')


def unreadable_file(reason: str) -> str:
    return both("Không đọc được bảng tính (tệp hỏng hoặc có nội dung không an toàn)",
                f"The workbook cannot be read: it is damaged or holds unsafe content ({reason})")


def missing_sheet(name: str, present: list[str]) -> str:
    found = ", ".join(f'"{p}"' for p in present) or "-"
    return both(f'Bảng tính không có trang "{name}" (có: {found})',
                f'The workbook has no sheet "{name}" (found: {found})')


def missing_headers(sheet: str, headers: list[str]) -> str:
    names = ", ".join(f'"{h}"' for h in headers)
    return both(f'Trang "{sheet}" thiếu cột {names} ở dòng 1', f'Sheet "{sheet}" lacks the column {names} in row 1')


def too_many_rows(sheet: str, limit: int, declared: int | None = None) -> str:
    counted_vi = f" (khai báo {declared:,} dòng)" if declared else ""
    counted_en = f" (it declares {declared:,} rows)" if declared else ""
    return both(f'Trang "{sheet}" có hơn {limit:,} dòng dữ liệu{counted_vi}',
                f'Sheet "{sheet}" has more than {limit:,} data rows{counted_en}')


CONFLICT = both("Dữ liệu vừa bị thay đổi trong lúc nhập nên không ghi gì: hãy nhập lại",
                "The data changed while importing, so nothing was written: import the file again")


# --- permissions ---------------------------------------------------------

NO_SCOPE = both("Tài khoản chưa được giao huyện hay tỉnh nào nên không nhập được",
                "Your account has no district or province assigned: nothing can be imported")
NO_RESULTS = both("Tài khoản của bạn không được nhập kết quả của các huyện",
                  "Your account may not import the districts' results")
NO_TARGETS = both("Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu",
                  "Only provincial staff may set targets")


def outside_district(unit: str) -> str:
    return both(f"{unit} nằm ngoài huyện của bạn", f"{unit} is outside your district")


def outside_province(unit: str) -> str:
    return both(f"{unit} nằm ngoài tỉnh của bạn", f"{unit} is outside your province")


# --- cells ---------------------------------------------------------------

def required(label: Label) -> str:
    return both(f"{label.vi} không được để trống", f"{label.en} is required")


FORMULA_WITHOUT_VALUE = both(
    "Ô có công thức nhưng chưa lưu giá trị: mở tệp bằng Excel rồi lưu lại",
    "The cell has a formula without a saved value: open the file in Excel and save it again")


def formula_error(code: str) -> str:
    return both(f"Công thức trong ô cho kết quả lỗi {code}", f"The cell's formula gives the error {code}")


def not_yes_no(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là có hoặc không", f"{label.en} must be yes or no", got)


def not_date(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
                f"{label.en} must be a date (YYYY-MM-DD or DD/MM/YYYY)", got)


def after_today(label: Label, value: dt.date, today: dt.date) -> str:
    return both(f"{label.vi} ({day(value)}) là ngày sau hôm nay ({day(today)})",
                f"{label.en} ({day(value)}) is after today ({day(today)})")


def not_term(label: Label, got: object) -> str:
    return both(f"{label.vi} phải viết như 2022-2025", f"{label.en} must be written like 2022-2025", got)


def not_whole(label: Label, minimum: int, got: object) -> str:
    return both(f"{label.vi} phải là số nguyên ≥ {minimum}", f"{label.en} must be a whole number ≥ {minimum}", got)


def not_year(label: Label, first: int, last: int, got: object) -> str:
    return both(f"{label.vi} phải là năm từ {first} đến {last}", f"{label.en} must be a year from {first} to {last}",
                got)


def not_percent(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là số từ 0 đến 100", f"{label.en} must be a number from 0 to 100", got)


def not_role(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là Bí thư, Phó bí thư hoặc để trống",
                f"{label.en} must be Secretary, Deputy secretary or blank", got)


def not_metric(label: Label, choices: list[str], got: object) -> str:
    names = ", ".join(f'"{c}"' for c in choices)
    return both(f"{label.vi} phải là một trong {names}", f"{label.en} must be one of {names}", got)


def unknown_kind(label: Label, got: object) -> str:
    return both(f"{label.vi} không rõ nên để trống (thôn, xóm, bản, làng, khối, tổ dân phố, ấp)",
                f"{label.en} is not one of thôn, xóm, bản, làng, khối, tổ dân phố, ấp: left blank", got)


def unknown_gender(label: Label, got: object) -> str:
    return both(f"{label.vi} không rõ (Nam/Nữ) nên để trống", f"{label.en} is not Nam/Nữ (male/female): left blank",
                got)
