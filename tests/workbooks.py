"""Building import workbooks and the real units they name, for the import tests.

``hamlet_row(party_members="ba")`` gives a valid Hamlets row (a hamlet of
Xã Thông Thụ, Huyện Quế Phong, Nghệ An) with some cells changed;
``write_workbook(path, {"Hamlets": [row, ...]})`` writes it with the
template's headers. Units are made with the factories, with their official
names and codes (vietnam-provinces 0.6.0).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.db import models

from elections.importing.template import (
    ADMISSION_TARGETS,
    ADMISSIONS,
    AREA_OFFICIALS,
    CHIEF_EVALUATIONS,
    CHIEF_PLANS,
    HAMLETS,
    PLACEMENTS,
    PROFILE_FIELDS,
    SHEETS,
    TARGETS,
    SheetSpec,
)
from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from elections.people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea
from hamlets.bounds import NAME_LENGTH
from hamlets.models import Commune, District, Hamlet, PartyCell, PartyMember, Province
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    ProvinceFactory,
    succeed,
)

EXAMPLE = Path(settings.BASE_DIR).parent / "shared/spec/examples/example-import.xlsx"
EXAMPLE_2025 = Path(settings.BASE_DIR).parent / "shared/spec/examples/example-import-2025.xlsx"

# Official codes and names: province -> district -> communes.
UNITS: dict[tuple[int, str], dict[tuple[int, str], list[tuple[int, str]]]] = {
    (40, "Tỉnh Nghệ An"): {
        (412, "Thành phố Vinh"): [(16666, "Phường Hà Huy Tập"), (16693, "Phường Bến Thủy"),
                                  (16717, "Phường Nghi Thuỷ")],
        (414, "Thị xã Thái Hoà"): [(16939, "Phường Hoà Hiếu")],
        (415, "Huyện Quế Phong"): [(16738, "Thị trấn Kim Sơn"), (16741, "Xã Thông Thụ")],
        (418, "Huyện Tương Dương"): [(16876, "Thị trấn Thạch Giám"), (16879, "Xã Mai Sơn"), (16909, "Xã Yên Hòa")],
    },
    (42, "Tỉnh Hà Tĩnh"): {
        (447, "Huyện Kỳ Anh"): [(18757, "Xã Kỳ Xuân")],
        (449, "Thị xã Kỳ Anh"): [(18796, "Xã Kỳ Lợi")],
    },
}


def make_units() -> dict[str, Any]:
    """The units of ``UNITS``, by name (``units["Huyện Quế Phong"]``)."""
    made: dict[str, Any] = {}
    for (p_code, p_name), districts in UNITS.items():
        province = made[p_name] = ProvinceFactory(code=p_code, name=p_name)
        for (d_code, d_name), communes in districts.items():
            district = made[d_name] = DistrictFactory(code=d_code, name=d_name, province=province)
            for c_code, c_name in communes:
                made[f"{d_name}/{c_name}"] = made.setdefault(c_name, CommuneFactory(
                    code=c_code, name=c_name, district=district))
    return made


# A Hamlets row of Huyện Thanh Chương (its chief holds no office in the cell): ``hamlet_row(**IN_THANH_CHUONG, ...)``.
IN_THANH_CHUONG = {"district": "Thanh Chương", "chief_party_role": None}

# Huyện Thanh Chương (Nghệ An), whose communes merged into the 2025 Xã Đại Đồng (code 17713, which was
# Thị trấn Dùng's) and Xã Hạnh Lâm (the earlier list had a smaller Xã Hạnh Lâm).
THANH_CHUONG = ((428, "Huyện Thanh Chương"), [
    (17713, "Thị trấn Dùng"), (17722, "Xã Hạnh Lâm"), (17731, "Xã Thanh Phong"), (17749, "Xã Đại Đồng"),
    (17755, "Xã Thanh Ngọc"), (17764, "Xã Đồng Văn"), (17824, "Xã Thanh Đức")])
# The 2025 list (vietnam-provinces 2026.9.0): province -> (code, commune, the old codes the table maps to it).
NEW_UNITS: dict[tuple[int, str], list[tuple[int, str, list[int]]]] = {
    (40, "Tỉnh Nghệ An"): [
        (16690, "Phường Trường Vinh", [16693]), (16702, "Phường Vinh Phú", [16666]),
        (16732, "Phường Cửa Lò", [16717]), (16738, "Xã Quế Phong", [16738]), (16744, "Xã Thông Thụ", [16741]),
        (16876, "Xã Tương Dương", [16876]), (16882, "Xã Nhôn Mai", [16879]), (16909, "Xã Yên Hòa", [16909]),
        (16939, "Phường Thái Hòa", [16939]), (17713, "Xã Đại Đồng", [17713, 17731, 17749, 17755, 17764]),
        (17722, "Xã Hạnh Lâm", [17722, 17824])],
    (42, "Tỉnh Hà Tĩnh"): [
        (18754, "Phường Sông Trí", [18796]), (18766, "Xã Kỳ Xuân", [18757]), (18775, "Xã Kỳ Anh", []),
        (18823, "Phường Vũng Áng", [18796]), (18832, "Phường Hoành Sơn", [18796])],
}


def make_both_lists() -> dict[str, Any]:
    """``make_units`` plus Huyện Thanh Chương, and the 2025 list with its conversion lines: the 2025 units
    are named ``"2025/Xã Hạnh Lâm"``; Hà Tĩnh's Xã Kỳ Lợi is split among three phường."""
    made = make_units()
    (d_code, d_name), communes = THANH_CHUONG
    district = made[d_name] = DistrictFactory(code=d_code, name=d_name, province=made["Tỉnh Nghệ An"])
    for c_code, c_name in communes:
        made[c_name] = CommuneFactory(code=c_code, name=c_name, district=district)
    old = {c.code: c for c in Commune.objects.filter(unit_list="earlier")}
    for (p_code, p_name), new_communes in NEW_UNITS.items():
        province = made[f"2025/{p_name}"] = NewProvinceFactory(code=p_code, name=p_name)
        Province.objects.filter(unit_list="earlier", code=p_code).update(successor=province)
        for c_code, c_name, old_codes in new_communes:
            commune = made[f"2025/{c_name}"] = NewCommuneFactory(code=c_code, name=c_name, province=province)
            for old_code in old_codes:
                succeed(old[old_code], commune)
    return made


HEADERS = {spec.name: [c.header for c in spec.columns if c.header_required] for spec in SHEETS}
FORMER_HEADERS = ["Former district", "Former commune", "Former commune code"]
HEADERS_2025 = {"Hamlets": [*HEADERS["Hamlets"], *FORMER_HEADERS],
                "Admissions": [*HEADERS["Admissions"], *FORMER_HEADERS[:2]],
                "Targets": [*HEADERS["Targets"][:2], "Commune", *HEADERS["Targets"][2:]],
                "Admission targets": [*HEADERS["Admission targets"][:2], "Commune",
                                      *HEADERS["Admission targets"][2:]],
                "Placements": [*HEADERS["Placements"][:3], "Former commune code", *HEADERS["Placements"][3:]]}

# The Hamlets headers with the optional profile columns (``Chief birth year`` ...).
PROFILE_HEADERS = [HAMLETS.column(f).header for f in PROFILE_FIELDS]
HEADERS_PROFILES = {"Hamlets": [*HEADERS["Hamlets"], *PROFILE_HEADERS],
                    "Targets": [*HEADERS["Targets"], "Year"]}

DEFAULT_HAMLET: dict[str, Any] = {
    "province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ", "hamlet": "Bản Đỉ", "kind": "bản",
    "special_area": "no", "project01": "no", "party_members": 12, "party_cell": "yes", "term": "2022-2025",
    "congress_held_on": dt.date(2022, 5, 12), "secretary": "Lô Văn Xuân", "deputy_secretary": "Vi Thị Hạnh",
    "chief_elected_on": dt.date(2022, 5, 20), "chief": "Vi Thị Hạnh", "chief_member_since": dt.date(2001, 3, 2),
    "chief_party_role": "Deputy secretary",
}
DEFAULT_ADMISSION: dict[str, Any] = {
    "province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ", "hamlet": "Bản Đỉ",
    "full_name": "Lô Văn Chung", "birth_year": 1979, "gender": "Nam", "ethnicity": "Thái",
    "admitted_on": dt.date(2023, 4, 19), "sitting_chief": "yes",
}
DEFAULT_TARGET: dict[str, Any] = {"province": "Nghệ An", "district": None, "term": "2022-2025",
                                  "metric": "Chiefs who are Party members", "special_area_only": "no", "percent": 100}
DEFAULT_ADMISSION_TARGET: dict[str, Any] = {"province": "Nghệ An", "district": "Quế Phong", "year": 2023,
                                            "target": 120}


DEFAULT_2025: dict[str, Any] = {
    **DEFAULT_HAMLET, "district": None, "commune": "Đại Đồng", "hamlet": "Xóm Mới", "kind": "xóm", "term": "2025-2027",
    "congress_held_on": dt.date(2025, 3, 14), "chief_elected_on": dt.date(2026, 4, 12)}
DEFAULT_PLACEMENT: dict[str, Any] = {"province": "Hà Tĩnh", "former_district": "Thị xã Kỳ Anh",
                                     "former_commune": "Kỳ Lợi", "hamlet": "Thôn Hải Phong",
                                     "commune": "Phường Vũng Áng"}


# The people sheets: a plan, an evaluation for the chief of ``hamlet_row()``; an official of Quế Phong.
DEFAULT_PLAN: dict[str, Any] = {
    "province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ", "hamlet": "Bản Đỉ", "term": "2022-2025",
    "chief": "Vi Thị Hạnh", "mentor": "Lô Văn Xuân", "started_on": dt.date(2022, 7, 1),
    "course_on": dt.date(2023, 3, 15), "application_on": None}
DEFAULT_EVALUATION: dict[str, Any] = {
    "province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ", "hamlet": "Bản Đỉ", "year": 2023,
    "chief": "Vi Thị Hạnh", "rating": "good"}
DEFAULT_OFFICIAL: dict[str, Any] = {
    "province": "Nghệ An", "district": "Quế Phong", "commune": None, "official": "Nguyễn Văn Phụ Trách",
    "position": "Ủy viên Ban Thường vụ Tỉnh ủy", "phone": "0912 345 678"}


def plan_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_PLAN, **values}


def evaluation_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_EVALUATION, **values}


def official_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_OFFICIAL, **values}


def chief_of(hamlet: Any, former_commune: Any = None) -> str:
    """The default chief (and deputy secretary) of a row: a person of the hamlet's own, so that a
    workbook's rows do not name one person as chief of two hamlets of a commune (which the preview
    asks about); the default hamlets keep ``Vi Thị Hạnh``. Namesakes of one 2025 commune differ by
    their former commune."""
    if not isinstance(hamlet, str) or not hamlet.strip() or hamlet in (DEFAULT_HAMLET["hamlet"],
                                                                       DEFAULT_2025["hamlet"]):
        return DEFAULT_HAMLET["chief"]
    where = f", {former_commune}" if isinstance(former_commune, str) and former_commune.strip() else ""
    return f"{DEFAULT_HAMLET['chief']} ({hamlet.strip()}{where})"[:NAME_LENGTH]


def _person(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    row = {**defaults, **values}
    person = chief_of(row.get("hamlet"), row.get("former_commune"))
    for name in ("chief", "deputy_secretary"):
        if name not in values:
            row[name] = person
    return row


def hamlet_row(**values: Any) -> dict[str, Any]:
    """``DEFAULT_HAMLET`` with ``values``; Chief and Deputy secretary default to ``chief_of(hamlet)``."""
    return _person(DEFAULT_HAMLET, values)


def new_row(**values: Any) -> dict[str, Any]:
    """A Hamlets row of the 2025 list (District blank): a hamlet of Xã Đại Đồng, term 2025-2027."""
    return _person(DEFAULT_2025, values)


def placement_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_PLACEMENT, **values}


def admission_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_ADMISSION, **values}


def target_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_TARGET, **values}


def admission_target_row(**values: Any) -> dict[str, Any]:
    return {**DEFAULT_ADMISSION_TARGET, **values}


SPECS: dict[str, SheetSpec] = {s.name: s for s in (HAMLETS, TARGETS, ADMISSIONS, ADMISSION_TARGETS, PLACEMENTS,
                                                   CHIEF_PLANS, CHIEF_EVALUATIONS, AREA_OFFICIALS)}


def write_workbook(path: Path, sheets: dict[str, Sequence[dict[str, Any] | Sequence[Any] | None]],
                   headers: dict[str, list[str]] | None = None) -> Path:
    """Write ``sheets`` (rows as dicts by field, lists of cells, or None for a blank row).

    A dict row is laid out under the sheet's headers (``headers`` overrides
    them: spell them differently, leave some out, add code columns).
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        spec = SPECS.get(title.strip().capitalize() if title not in SPECS else title)
        head = (headers or {}).get(title) or (HEADERS[spec.name] if spec else [])
        fields = [_field(spec, h) for h in head] if spec else []
        ws.append(head)
        for row in rows:
            if row is None:
                ws.append([])
            elif isinstance(row, dict):
                ws.append([row.get(f) for f in fields])
            else:
                ws.append(list(row))
    wb.save(path)
    return path


def _field(spec: SheetSpec, header: str) -> str:
    from elections.importing.template import header_key

    return spec.by_key.get(header_key(header), header)


def set_cached_values(path: Path, values: dict[str, str]) -> None:
    """Give formula cells a saved value, as Excel would (openpyxl saves none): ``{"H2": "12"}``."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members[sheet].decode()
    for ref, value in values.items():
        xml = re.sub(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>', rf"\g<1><v>{value}</v>", xml)
    members[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


IMPORTED_MODELS: tuple[type[models.Model], ...] = (
    Province, District, Commune, Hamlet, PartyCell, Term, Congress, ChiefElection, PartyMember, Target,
    AdmissionTarget, HamletTerm, ChiefPlan, ChiefEvaluation, Official, OfficialArea)


def snapshot(models_: Iterable[type[models.Model]] = IMPORTED_MODELS) -> dict[str, list[dict[str, Any]]]:
    """Every row of every model the import writes, with all its values."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models_}


def history_count() -> int:
    return sum(m.history.count() for m in IMPORTED_MODELS if hasattr(m, "history"))
