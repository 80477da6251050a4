"""The words of the import's messages, in the language of whoever reads them.

Every message is written as a pair (``both(vi, en)``, ``Label(vi, en)``, see
``cadre_tracker.language``) and gives the active language's text when it is
built: the request's on the web, the one stored on an import job in the worker,
``CT_LANGUAGE`` on the command line. Where a cell could not be read the message
ends with what the cell holds (``Số đảng viên phải là số nguyên ≥ 0, nhận được
"ba"``; in English ``Party members must be a whole number ≥ 0, got "ba"``).

The fixed phrases (``MACROS``, ``CONFLICT``, ``HAMLET_CREATED``...) are read as
``messages.NAME`` at the moment they are used (the module's ``__getattr__``), so
they too come in the language active then; ``BLANK``, ``YES`` and ``NO`` are labels.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cadre_tracker.language import Label, day, moment
from cadre_tracker.language import both as pick

__all__ = ["Label", "both", "day", "shown"]

_NOTHING = object()


def both(vi: str, en: str, got: object = _NOTHING) -> str:
    """The active language's text, followed by what the cell holds when ``got`` is given."""
    message = pick(vi, en)
    if got is not _NOTHING:
        message += pick(f', nhận được "{shown(got)}"', f', got "{shown(got)}"')
    return message


def shown(value: object) -> str:
    """A cell value as the clerk typed or sees it (a date as the active language writes it)."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return day(value.date())
        return moment(value)
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


# The fixed phrases: ``messages.NAME`` gives the text of the language active at that moment.
_PHRASES: dict[str, Label] = {}


def __getattr__(name: str) -> str:
    try:
        return str(_PHRASES[name])
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def _phrase(name: str, vi: str, en: str) -> None:
    _PHRASES[name] = Label(vi, en)


# --- whole-file refusals -------------------------------------------------

def not_xlsx(detail_vi: str = "", detail_en: str = "") -> str:
    vi = "Tệp không phải là bảng tính Excel .xlsx" + (f" ({detail_vi})" if detail_vi else "")
    en = "The file is not an Excel .xlsx workbook" + (f" ({detail_en})" if detail_en else "")
    return both(vi + ": hãy lưu lại dưới dạng Excel Workbook (.xlsx)", en + ": save it as an Excel Workbook (.xlsx)")


_phrase("MACROS", "Không nhận bảng tính có macro (.xlsm): hãy lưu lại dưới dạng Excel Workbook (.xlsx)",
        "A workbook with macros (.xlsm) is not accepted: save it as an Excel Workbook (.xlsx)")
_phrase("PASSWORD", "Bảng tính được bảo vệ bằng mật khẩu: hãy lưu lại không đặt mật khẩu",
        "The workbook is protected by a password: save it without one")


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


def vi_number(number: int) -> str:
    """A whole number as Vietnamese writes it: 100.000."""
    return f"{number:,}".replace(",", ".")


def too_many_members(limit: int) -> str:
    return both(f"Tệp nén có hơn {vi_number(limit)} phần, không phải một bảng tính bình thường",
                f"The archive holds more than {limit:,} parts: not an ordinary workbook")


def xml_entities(member: str) -> str:
    return both(f'Phần "{member}" của tệp có khai báo DOCTYPE/ENTITY của XML, không an toàn nên không đọc',
                f'The archive member "{member}" declares XML entities (DOCTYPE): it is not read, being unsafe')


def too_many_rows(sheet: str, limit: int, row: int | None = None) -> str:
    """``row``: the number of a row holding a value beyond the limit, where one was found."""
    found_vi = f" (có ô ở dòng {vi_number(row)})" if row else ""
    found_en = f" (a cell in row {row:,})" if row else ""
    return both(f'Trang "{sheet}" có hơn {vi_number(limit)} dòng dữ liệu{found_vi}',
                f'Sheet "{sheet}" has more than {limit:,} data rows{found_en}')


def too_many_cells(sheet: str, limit: int, last: str) -> str:
    return both(f'Trang "{sheet}" có ô tới tận {last}, quá {vi_number(limit)} ô phải đọc: hãy xoá các ô ngoài bảng',
                f'Sheet "{sheet}" has cells as far as {last}: more than {limit:,} cells to read; '
                "delete the cells outside the table")


def too_many_strings(limit: int) -> str:
    return both(f"Bảng tính có hơn {vi_number(limit)} chuỗi chữ khác nhau",
                f"The workbook holds more than {limit:,} distinct texts")


def too_slow(sheet: str, seconds: float) -> str:
    where_vi, where_en = (f'Trang "{sheet}"', f'Sheet "{sheet}"') if sheet else ("Bảng tính", "The workbook")
    return both(f"{where_vi} không đọc xong trong {seconds:g} giây: hãy chia thành nhiều tệp nhỏ hơn",
                f"{where_en} was not read within {seconds:g} seconds: split it into smaller files")


_phrase("CONFLICT", "Dữ liệu vừa bị thay đổi trong lúc nhập nên không ghi gì: hãy nhập lại",
        "The data changed while importing, so nothing was written: import the file again")
_phrase("BUSY", "Cơ sở dữ liệu bận ghi dữ liệu khác quá lâu nên không ghi gì: hãy nhập lại sau ít phút",
        "The database was busy with another write for too long, so nothing was written: import the file "
        "again in a few minutes")


def changed_meanwhile(hamlets: list[Label], total: int) -> str:
    """Hamlets changed by someone else between reading the file (or its preview) and writing it."""
    more_vi = f" và {total - len(hamlets)} thôn khác" if total > len(hamlets) else ""
    more_en = f" and {total - len(hamlets)} more" if total > len(hamlets) else ""
    return both(f"Không ghi gì: {total} thôn đã bị người khác thay đổi từ khi đọc tệp: "
                f"{'; '.join(h.vi for h in hamlets)}{more_vi}; hãy đọc lại tệp",
                f"Nothing written: {total} hamlet{'s' if total > 1 else ''} changed by someone else since the file "
                f"was read: {'; '.join(h.en for h in hamlets)}{more_en}; read the file again")


def targets_changed_meanwhile(count: int) -> str:
    """Targets (which have no version) changed by someone else between reading the file and writing it."""
    return both(f"Không ghi gì: {count} mục tiêu, chỉ tiêu đã bị người khác thay đổi từ khi đọc tệp; hãy đọc lại tệp",
                f"Nothing written: {count} target{'s' if count > 1 else ''} changed by someone else since the file "
                "was read; read the file again")


# --- permissions ---------------------------------------------------------

_phrase("NO_SCOPE", "Tài khoản chưa được giao huyện hay tỉnh nào nên không nhập được",
        "Your account has no district or province assigned: nothing can be imported")
_phrase("NO_RESULTS", "Tài khoản của bạn không được nhập kết quả của các huyện",
        "Your account may not import the districts' results")
_phrase("NO_TARGETS", "Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu",
        "Only provincial staff may set targets")


def outside_district(unit: str) -> str:
    return both(f"{unit} nằm ngoài huyện của bạn", f"{unit} is outside your district")


def outside_province(unit: str | Label) -> str:
    unit = unit if isinstance(unit, Label) else Label(unit, unit)
    return both(f"{unit.vi} nằm ngoài tỉnh của bạn", f"{unit.en} is outside your province")


def outside_commune(unit: Label) -> str:
    return both(f"{unit.vi} nằm ngoài xã của bạn", f"{unit.en} is outside your commune")


def hamlet_outside(hamlet: Label, scope: str) -> str:
    """A hamlet the row finds (or makes) that the user's scope does not cover."""
    where = {"district": ("huyện", "district"), "commune": ("xã", "commune"), "province": ("tỉnh", "province")}[scope]
    return both(f"{hamlet.vi} nằm ngoài {where[0]} của bạn", f"{hamlet.en} is outside your {where[1]}")


# --- cells ---------------------------------------------------------------

_phrase("FORMER_IGNORED", "Dòng ghi Huyện nên thuộc danh mục trước 01/07/2025: bỏ qua Huyện cũ, Xã cũ",
        "District is filled, so the row names the earlier list: Former district and Former commune "
        "are ignored")


def text_of(vi: str, en: str) -> str:
    """One text (names), in the active language."""
    return both(vi, en)


def former_district_alone(district: Label, commune: Label) -> str:
    return both(f"Có {district.vi} nhưng chưa ghi {commune.vi}", f"{district.en} is given but {commune.en} is blank")


def district_and_commune(district: Label, commune: Label) -> str:
    return both(f"Chỉ điền {district.vi} (danh mục trước 01/07/2025) hoặc {commune.vi} (danh mục từ 01/07/2025), "
                "không điền cả hai",
                f"Fill in {district.en} (earlier list) or {commune.en} (2025 list), not both")


def district_or_commune(district: Label, commune: Label) -> str:
    return both(f"Điền {district.vi} (danh mục trước 01/07/2025) hoặc {commune.vi} (danh mục từ 01/07/2025)",
                f"Fill in {district.en} (earlier list) or {commune.en} (2025 list)")


def required(label: Label) -> str:
    return both(f"{label.vi} không được để trống", f"{label.en} is required")


_phrase("FORMULA_WITHOUT_VALUE",
        "Ô có công thức nhưng chưa lưu giá trị: mở tệp bằng Excel rồi lưu lại",
        "The cell has a formula without a saved value: open the file in Excel and save it again")


def formula_error(code: str) -> str:
    return both(f"Công thức trong ô cho kết quả lỗi {code}", f"The cell's formula gives the error {code}")


def not_yes_no(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là có hoặc không", f"{label.en} must be yes or no", got)


def not_date(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là ngày (DD/MM/YYYY hoặc YYYY-MM-DD)",
                f"{label.en} must be a date (YYYY-MM-DD or DD/MM/YYYY)", got)


def after_today(label: Label, value: dt.date, today: dt.date) -> str:
    return both(f"{label.vi} ({day(value)}) là ngày sau hôm nay ({day(today)})",
                f"{label.en} ({day(value)}) is after today ({day(today)})")


def not_term(label: Label, got: object) -> str:
    return both(f"{label.vi} phải viết như 2022-2025", f"{label.en} must be written like 2022-2025", got)


def not_whole(label: Label, minimum: int, got: object) -> str:
    return both(f"{label.vi} phải là số nguyên ≥ {minimum}", f"{label.en} must be a whole number ≥ {minimum}", got)


def not_at_most(label: Label, minimum: int, maximum: int, got: object) -> str:
    top_vi = f"{maximum:,}".replace(",", ".")
    return both(f"{label.vi} phải là số nguyên từ {minimum} đến {top_vi}",
                f"{label.en} must be a whole number from {minimum} to {maximum:,}", got)


def too_long(label: Label, limit: int, length: int) -> str:
    return both(f"{label.vi} dài {length} ký tự, quá {limit} ký tự",
                f"{label.en} is {length} characters long, more than {limit}")


def before_earliest(label: Label, value: dt.date, earliest: dt.date) -> str:
    return both(f"{label.vi} ({day(value)}) là ngày trước {day(earliest)}",
                f"{label.en} ({day(value)}) is before {day(earliest)}")


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


# --- what a row changes (the preview) ------------------------------------

BLANK = Label("trống", "blank")
YES = Label("có", "yes")
NO = Label("không", "no")


def words(value: object) -> Label:
    """A stored or new value in both languages: the words for blank, yes and no, else as shown."""
    if value is None or value == "":
        return BLANK
    if isinstance(value, bool):
        return YES if value else NO
    return Label(shown(value), shown(value))


def changed(label: Label, old: Label, new: Label) -> str:
    """``Số đảng viên: 12 → 3`` (``Party members: 12 → 3``); where a value has words:
    ``Đề án 01: không → có`` (``Project 01: no → yes``)."""
    return both(f"{label.vi}: {old.vi} → {new.vi}", f"{label.en}: {old.en} → {new.en}")


_phrase("HAMLET_CREATED", "Thêm thôn", "hamlet created")
_phrase("CELL_CREATED", "Thêm chi bộ", "Party cell created")
_phrase("CELL_ACTIVE_AGAIN", "Chi bộ hoạt động trở lại", "Party cell active again")
_phrase("CELL_INACTIVE", "Chi bộ thôi hoạt động", "Party cell no longer active")
_phrase("MEMBER_CREATED", "Thêm đảng viên kết nạp", "member created")


def not_candidate(commune: Label, old: Label, choices: list[Label]) -> str:
    if choices:
        return both(f"{old.vi} không nhập vào {commune.vi}: chọn {' hoặc '.join(c.vi for c in choices)}",
                    f"{old.en} did not go into {commune.en}: choose {' or '.join(c.en for c in choices)}")
    return both(f"{old.vi} không nhập vào {commune.vi}", f"{old.en} did not go into {commune.en}")


def placed_in(commune: Label) -> str:
    return both(f"Xếp vào {commune.vi}", f"placed in {commune.en}")


def adopted(commune: Label) -> str:
    return both(f"Là thôn đã có (chưa ghi xã cũ) nay ghi xã cũ là {commune.vi}",
                f"the hamlet entered without a former commune now has its former commune {commune.en}")
_phrase("SPECIAL_AREAS_ONLY", "chỉ địa bàn đặc thù", "special areas only")


def congress_created(term: str, held_on: dt.date | None) -> str:
    day_ = words(held_on)
    return both(f"Thêm đại hội nhiệm kỳ {term} ({day_.vi})", f"congress {term} created ({day_.en})")


def congress_removed(term: str) -> str:
    return both(f"Xóa đại hội nhiệm kỳ {term}", f"congress {term} removed")


def election_created(held_on: dt.date) -> str:
    return both(f"Thêm cuộc bầu trưởng thôn ngày {day(held_on)}", f"chief election of {day(held_on)} created")


def election_removed(held_on: dt.date) -> str:
    return both(f"Xóa cuộc bầu trưởng thôn ngày {day(held_on)}", f"chief election of {day(held_on)} removed")


def target_created(percent: Decimal) -> str:
    return both(f"Mục tiêu {shown(percent)}%", f"target {shown(percent)}%")


def admission_target_created(target: int) -> str:
    return both(f"Chỉ tiêu kết nạp {target}", f"target {target}")


# --- the summary ---------------------------------------------------------

def summary(name: str, rows: int, dry_run: bool, *, hamlets: tuple[int, int], cells: tuple[int, int],
            congresses: tuple[int, int], elections: tuple[int, int], admissions: int, targets: int,
            admission_targets: int) -> str:
    """One line: what an import wrote (or a dry run would write).

    ``hamlets`` and ``cells`` are (created, updated); ``congresses`` and
    ``elections`` (written, removed); the others the number written."""
    counts_vi = (
        f"thôn: {hamlets[0]} thêm, {hamlets[1]} sửa; "
        f"chi bộ: {cells[0]} thêm, {cells[1]} sửa; "
        f"đại hội: {congresses[0]} ghi, {congresses[1]} xóa; "
        f"bầu trưởng thôn: {elections[0]} ghi, {elections[1]} xóa; "
        f"kết nạp: {admissions} ghi; "
        f"mục tiêu: {targets} ghi; "
        f"chỉ tiêu kết nạp: {admission_targets} ghi")
    counts_en = (
        f"hamlets {hamlets[0]} created, {hamlets[1]} updated; "
        f"Party cells {cells[0]} created, {cells[1]} updated; "
        f"congresses {congresses[0]} written, {congresses[1]} removed; "
        f"chief elections {elections[0]} written, {elections[1]} removed; "
        f"admissions {admissions} written; "
        f"targets {targets} written; "
        f"admission targets {admission_targets} written")
    if dry_run:
        return both(f"Chạy thử, chưa ghi gì: {name}, đã kiểm tra {rows} dòng; sẽ ghi {counts_vi}",
                    f"Dry run, nothing written: {name}, {rows} rows checked; would write {counts_en}")
    return both(f"Đã nhập {name}: {rows} dòng; {counts_vi}", f"Imported {name}: {rows} rows; {counts_en}")
