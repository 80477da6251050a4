"""The words of the import's messages about people (``domain.md`` items 8-12): profiles on the Hamlets
sheet, the sheets ``Chief plans``, ``Chief evaluations`` and ``Area officials``, yearly targets.

Written as pairs like the rest of ``messages.py`` and given in the language active when built.
"""

from __future__ import annotations

import datetime as dt

from .messages import Label, both, day

# --- cells -----------------------------------------------------------------


def not_gender(label: Label, got: object) -> str:
    return both(f"{label.vi} phải là Nam hoặc Nữ", f"{label.en} must be Nam/Nữ (male/female)", got)


def not_rating(label: Label, choices: Label, got: object) -> str:
    return both(f"{label.vi} phải là một trong {choices.vi}", f"{label.en} must be one of {choices.en}", got)


def not_phone(label: Label, limit: int, got: object) -> str:
    return both(f"{label.vi} chỉ gồm chữ số, dấu cách và + ( ) . -, tối đa {limit} ký tự",
                f"{label.en} must be at most {limit} characters of digits, spaces and + ( ) . -", got)


def profile_without_person(profile: Label, person: Label) -> str:
    """A chief's (secretary's) birth year, gender or ethnicity on a row that names no chief (secretary)."""
    return both(f"Có {profile.vi} nhưng chưa ghi {person.vi}", f"{profile.en} is given but {person.en} is blank")


def profile_differs(secretary: Label, chief: Label, secretary_value: Label, chief_value: Label) -> str:
    """Chief Party role is Secretary: the secretary is the chief, so their profiles agree."""
    return both(f"Trưởng thôn kiêm bí thư nhưng {secretary.vi} ({secretary_value.vi}) khác {chief.vi} "
                f"({chief_value.vi})",
                f"Chief Party role is Secretary but {secretary.en} ({secretary_value.en}) differs from {chief.en} "
                f"({chief_value.en})")


def year_outside_term(label: Label, year: int, term: tuple[int, int]) -> str:
    return both(f"{label.vi} {year} không thuộc nhiệm kỳ {term[0]}-{term[1]}",
                f"{label.en} {year} is not a year of the term {term[0]}-{term[1]}")


def step_before_start(step: Label, start: Label, step_on: dt.date, start_on: dt.date) -> str:
    return both(f"{step.vi} ({day(step_on)}) trước {start.vi} ({day(start_on)})",
                f"{step.en} ({day(step_on)}) is before {start.en} ({day(start_on)})")


def no_officials() -> str:
    return both("Chỉ Ban Tổ chức Tỉnh ủy được nhập cán bộ phụ trách địa bàn: bỏ qua trang Area officials hoặc "
                "nhờ tỉnh nhập",
                "Only provincial staff may import area officials: leave out the Area officials sheet or ask the "
                "province to import it")


def unknown_hamlet(name: str, where: Label) -> str:
    return both(f'Không có thôn "{name}" ở {where.vi}: thêm thôn vào trang Hamlets',
                f'No hamlet "{name}" in {where.en}: add it on the Hamlets sheet')


def duplicate(what: Label, first: int) -> str:
    return both(f"{what.vi} đã có ở dòng {first}", f"{what.en} already appears in row {first}")


PLAN_KEY = Label("Kế hoạch của trưởng thôn này (thôn, nhiệm kỳ, trưởng thôn)",
                 "The plan of this chief (hamlet, term, chief)")
EVALUATION_KEY = Label("Đánh giá này (thôn, năm, trưởng thôn)", "This evaluation (hamlet, year, chief)")
AREA_KEY = Label("Cán bộ này với địa bàn này", "This official with this area")


def never_elected(chief: str, term: str) -> str:
    return both(f'Thôn chưa có cuộc bầu trưởng thôn nào nhiệm kỳ {term} bầu "{chief}": vẫn ghi kế hoạch',
                f'No chief election of the term {term} in this hamlet elected "{chief}": the plan is recorded '
                "anyway")


def official_values_differ(label: Label, first: int) -> str:
    return both(f"{label.vi} khác với dòng {first} của cùng cán bộ: lấy giá trị của dòng sau cùng",
                f"{label.en} differs from row {first} of the same official: the last row's value is kept")


# --- what a row changes (the preview) and the summary -----------------------

def plan_created(mentor: str, started_on: dt.date) -> str:
    return both(f"Thêm kế hoạch bồi dưỡng (người giúp đỡ {mentor}, bắt đầu {day(started_on)})",
                f"plan created (mentor {mentor}, started {day(started_on)})")


def evaluation_created(rating: Label) -> str:
    return both(f"Thêm đánh giá: {rating.vi}", f"evaluation created: {rating.en}")


def official_created() -> str:
    return both("Thêm cán bộ phụ trách", "official created")


def area_assigned(unit: Label) -> str:
    return both(f"Giao phụ trách {unit.vi}", f"responsible for {unit.en}")


def officials_changed_meanwhile(count: int) -> str:
    return both(f"Không ghi gì: {count} cán bộ phụ trách đã bị người khác thay đổi từ khi đọc tệp; hãy đọc lại tệp",
                f"Nothing written: {count} official{'s' if count > 1 else ''} changed by someone else since the file "
                "was read; read the file again")


def people_summary(*, plans: int, evaluations: int, officials: int, areas: int) -> Label:
    """The part of the summary line about the people sheets."""
    return Label(f"kế hoạch bồi dưỡng: {plans} ghi; đánh giá trưởng thôn: {evaluations} ghi; "
                 f"cán bộ phụ trách: {officials} ghi, {areas} địa bàn giao thêm",
                 f"chief plans {plans} written; chief evaluations {evaluations} written; "
                 f"officials {officials} written, {areas} areas assigned")
