"""The spreadsheet import of ``workbooks.md`` section 1, for the command line
and the web upload alike.

    result = import_workbook(path_or_file, user=request.user, dry_run=True)
    result.ok, result.problems, result.warnings, result.changes, result.summary

All or nothing: the file is checked as a whole (``workbook.py``), then every
row of every sheet, in the order Hamlets, Targets, Admissions, Admission
targets, Placements, Chief plans, Chief evaluations, Area officials
(``rows.py``, ``people_rows.py``, ``places.py``, ``rules.py``); the rows that
pass find their hamlets (``matching.py``, either list) and are compared with
the database (``plan.py``, ``plan_sheets.py``, ``plan_people.py``); a Hamlets row an earlier import
applied cleanly, unchanged since with all it depends on, is counted unchanged without either
(``known.py``), and the same file again has its Hamlets sheet's rows known without scanning or parsing
it (``again.py``). Any problem anywhere and nothing is written;
otherwise everything is written in one transaction (``writer.py``). A dry
run stops before writing and still reports what would be written. A hamlet
changed by someone else between the reading and the writing (or between a
preview and its confirmation, ``expected_versions``) refuses the whole
import with a problem naming it (``writer.py``, "No lost update").

Who may import what (``Scope``, one rule, ``Scope.covers`` for a hamlet as
a row leaves it): with a user, the user's scope (a district board: hamlets
whose earlier commune lies in its district; a commune board: hamlets that
lie, or by the row come to lie, in its commune; provincial staff: their 2025
province's targets and placements, and results only as editors); without a
user (the command line), everything. Chiefs' plans and evaluations are
results (a board's, for the hamlets of its scope); area officials are
provincial staff's (and the command line's) only. The history records the user and
``import <file name>``, or, without a user, ``import from command line by OS
user <name>``.

Choices where the spec leaves room:

* a congress with a blank date but a Secretary or Deputy secretary is kept,
  not held yet, with those names; date and names all blank delete it; with
  Party cell = no the term's congress is left as stored (the cell becomes
  inactive, its congresses stay on record) and names on the row are ignored
  with a warning;
* a Chief elected on earlier than the latest stored election of the term
  corrects that latest election (moved to the row's date); stored elections
  after the row's date are deleted, each with a warning; so after an import
  the row's election is always the term's latest, and earlier ones are kept;
* an unknown Kind, or an Admissions row's unknown Gender, is a warning (left
  blank), as are names that a row gives but that cannot be stored (chief
  without an election date, and the chief's profile with them); an
  unreadable Chief or Secretary gender on Hamlets is wrong (rule 3);
* every header of the template must be present except District code,
  Commune code, the ``Former ...`` ones, Targets' Commune and Year, and the
  six profile columns of Hamlets (without them the stored profiles stay):
  a missing Chief elected on column would otherwise read as blank and
  delete the stored elections;
* a chief also secretary: blank Secretary profile cells take the chief's
  values, and so do absent Secretary columns where the row gives the
  chief's (one person, one profile); with neither, the stored profile stays;
* Area officials: an official's Position and Phone are those of the last
  row naming them (a warning where rows differ); assignments are only added.
* a workbook holding a ``Placements`` sheet may lack ``Hamlets``: the sheet
  ``place_hamlets --out`` writes is imported back as it is.
"""

from __future__ import annotations

import gc
import getpass
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadre_tracker import language
from hamlets.models import Hamlet
from hamlets.scoping import FULL_SCOPE, Scope

from . import again, plan_people, plan_sheets
from . import known as known_rows
from . import messages as msg
from .chiefs import repeated_chiefs
from .matching import Match
from .messages import Label
from .people_messages import AREA_KEY, EVALUATION_KEY, PLAN_KEY, officials_changed_meanwhile
from .people_rows import (
    ChiefPlanRow,
    EvaluationRow,
    OfficialRow,
    check_chief_plan,
    check_evaluation,
    check_official,
)
from .placements import PlacementRow, check_placement
from .placements import duplicate_message as placement_duplicate
from .places import row_communes
from .plan import Planner, load_terms
from .result import ImportResult, Problem
from .rows import (
    AdmissionRow,
    AdmissionTargetRow,
    HamletRow,
    RowContext,
    SheetCheck,
    TargetRow,
    check_admission,
    check_admission_target,
    check_hamlet,
    check_target,
    duplicate,
)
from .sheetxml import SheetScan
from .template import (
    ADMISSION_TARGETS,
    ADMISSIONS,
    AREA_OFFICIALS,
    CHIEF_EVALUATIONS,
    CHIEF_PLANS,
    HAMLETS,
    PLACEMENTS,
    SHEETS,
    TARGETS,
)
from .units import Units
from .workbook import ColumnMap, Refused, Source, Workbook
from .writer import Conflict, write

Progress = Callable[[str], None]
NAMED = 10  # hamlets a conflict names


@dataclass
class Reading:
    """Everything read from the workbook: the checked rows of each sheet."""

    checks: dict[str, SheetCheck] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    hamlets: list[HamletRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    admissions: list[AdmissionRow] = field(default_factory=list)
    admission_targets: list[AdmissionTargetRow] = field(default_factory=list)
    placements: list[PlacementRow] = field(default_factory=list)
    chief_plans: list[ChiefPlanRow] = field(default_factory=list)
    evaluations: list[EvaluationRow] = field(default_factory=list)
    officials: list[OfficialRow] = field(default_factory=list)
    failed_hamlets: set[tuple] = field(default_factory=set)  # named by Hamlets rows with problems
    units: Units = field(default_factory=Units)
    known: known_rows.Known = field(default_factory=known_rows.Known)  # Hamlets rows read again (``known.py``)
    use_known: bool = True
    sheet_key: again.SheetKey | None = None  # of the Hamlets sheet, where rows may be known (``again.py``)
    sheet: again.RecordedSheet | None = None  # what reading the same file before recorded
    hamlets_scan: SheetScan | None = None

    @property
    def problems(self) -> list[Problem]:
        return [p for check in self.checks.values() for p in check.problems]

    @property
    def warnings(self) -> list[Problem]:
        return [w for check in self.checks.values() for w in check.warnings]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def default_reason(name: str, user: Any) -> str:
    if user is not None:
        return f"import {name}"
    return f"import from command line by OS user {os_user()}"


def import_workbook(source: Source, *, user: Any = None, scope: Scope | None = None, dry_run: bool = False,
                    progress: Progress | None = None, change_reason: str | None = None,
                    expected_versions: Mapping[int, int] | None = None) -> ImportResult:
    """Check and import a workbook of the template; see the module's docstring.

    ``source``: a path or a binary file-like object (an uploaded file).
    ``scope``: defaults to the user's scope, or full scope without a user.
    ``progress``: called with a line of text every 1,000 rows read and at
    each step of a long import.

    No lost update: ``result.versions`` maps each stored hamlet the import
    changes (its own fields, or its records, cell, congresses, elections or
    admissions) to the version it was read at. The write locks those hamlets
    and is refused whole, with a problem naming them, when one has moved on
    since (another import or a form changed it), or when someone else
    created the same hamlet, record, election... meanwhile.
    ``expected_versions``: the ``versions`` of a preview (a dry run of the
    same file), kept until the user confirms; the write then compares
    against those, so a hamlet changed between the preview and the confirm
    (or one the preview left unchanged that the confirm would now change)
    refuses the confirm. Keys may be strings (a JSON round trip).
    """
    if scope is None:
        scope = Scope.of(user) if user is not None else FULL_SCOPE
    with cycles_uncollected(), language.pinned():  # one language from the first message to the last
        return _import(source, user, scope, dry_run, progress, change_reason, expected_versions)


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused for the length of an import: reference counting still frees what the
    import lets go of, and what it left in cycles is collected when the collector runs again. A 5,000-row
    import makes some 100,000 objects that live until its end (cells, rows, stored and new model objects);
    the collector, started every 2,000 new objects, walked them again and again (~15 % of a re-import's time,
    issue 11)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(source: Source, user: Any, scope: Scope, dry_run: bool, progress: Progress | None,
            change_reason: str | None, expected_versions: Mapping[int, int] | None) -> ImportResult:
    result = ImportResult(name=_name(source), dry_run=dry_run)
    try:
        reading = _read(source, scope, progress, result)
    except Refused as refusal:
        result.problems = [Problem(refusal.sheet, "", refusal.message)]
        result.refused = True
        return result

    def step(line: str) -> None:
        if progress is not None and reading.total >= 1000:
            progress(line)

    step(msg.both(f"Đã đọc {reading.total} dòng; đang so sánh với dữ liệu đã có",
                  f"{reading.total} rows read; comparing with the database"))
    planner = _plan(reading, scope)
    if reading.known.rows and (reading.known.clash or again.crossed(reading, planner)):  # see crossed
        reading = _read(source, scope, progress, result, use_known=False)
        planner = _plan(reading, scope)
    result.known = len(reading.known.rows)
    result.problems = sorted([*reading.problems, *planner.plan.problems], key=lambda p: p.sort_key)
    result.warnings = sorted([*reading.warnings, *planner.plan.warnings], key=lambda p: p.sort_key)
    result.summary.rows = dict(reading.rows)
    if not result.ok:
        return result
    result.changes = again.with_known(reading, planner.plan.changes)
    result.summary = planner.plan.summary(reading.rows)
    result.versions = planner.plan.versions()
    if not dry_run and result.summary.written:
        step(msg.both("đang ghi", "writing"))
        try:
            write(planner.plan, user=user, reason=change_reason or default_reason(result.name, user),
                  expected=expected_versions, versions=result.versions)
        except Conflict as conflict:  # the transaction was rolled back: nothing written
            result.problems = [Problem("", "", _conflict_message(conflict, planner))]
            result.changes = []
            return result
        result.written = True
    if not dry_run:
        again.remember(reading, planner, result)
    return result


def _conflict_message(conflict: Conflict, planner: Planner) -> str:
    if conflict.busy:
        return msg.BUSY
    if conflict.targets:
        return msg.targets_changed_meanwhile(conflict.targets)
    if conflict.officials:
        return officials_changed_meanwhile(conflict.officials)
    if not conflict.hamlets:
        return msg.CONFLICT
    named = conflict.hamlets[:NAMED]
    stored = {h.pk: h for h in Hamlet.objects.filter(pk__in=named).only("pk", "name", "commune", "new_commune")}
    labels = []
    for pk in named:
        hamlet = stored.get(pk) or planner.index.objects.get(pk)
        if hamlet is None:  # deleted meanwhile, never read by this plan
            labels.append(Label(f"#{pk}", f"#{pk}"))
            continue
        labels.append(planner.hamlet_label(Match(pk, hamlet.commune_id, hamlet.new_commune_id), hamlet.name))
    return msg.changed_meanwhile(labels, len(conflict.hamlets))


def _name(source: Source) -> str:
    raw = source if isinstance(source, str | Path) else getattr(source, "name", "") or "upload.xlsx"
    return Path(str(raw)).name


def _read(source: Source, scope: Scope, progress: Progress | None, result: ImportResult, *,
          use_known: bool = True) -> Reading:
    if scope.nothing:
        raise Refused(msg.NO_SCOPE)
    with Workbook(source) as book:
        result.name = book.name
        titles = {}
        placements_only = book.find(PLACEMENTS) is not None  # place_hamlets --out writes that sheet alone
        for spec in SHEETS:
            title = book.find(spec)
            if title is None and spec.required and not placements_only:
                raise Refused(msg.missing_sheet(spec.name, book.sheet_titles))
            if title is not None:
                titles[spec.name] = title
        reading = Reading(use_known=use_known)
        hamlets = titles.get(HAMLETS.name)
        if hamlets is not None and use_known and scope.can_edit_results:  # the same file read before? (again.py)
            reading.sheet_key = again.sheet_key(book, scope, hamlets)
            reading.sheet = again.find_sheet(reading.sheet_key)
            if reading.sheet is not None:
                book.adopt(hamlets, reading.sheet.scan)
        for order, spec in enumerate(SHEETS):
            if spec.name in titles:
                columns = (ColumnMap(hamlets, HAMLETS, reading.sheet.columns) if spec is HAMLETS and reading.sheet
                           else book.columns(spec, titles[spec.name]))
                reading.checks[spec.name] = SheetCheck(columns, order)
        scans = {title: book.check_size(title) for title in titles.values()}
        if hamlets is not None:
            reading.hamlets_scan = scans[hamlets]
        for name, check in reading.checks.items():
            reading.rows[name] = _read_sheet(book, check, reading.units, scope, progress, reading)
        return reading


def _read_sheet(book: Workbook, check: SheetCheck, units: Units, scope: Scope, progress: Progress | None,
                reading: Reading) -> int:
    """Check every row of one sheet; returns the number of data rows."""
    spec = check.columns.spec
    results_sheet = spec in (HAMLETS, ADMISSIONS, CHIEF_PLANS, CHIEF_EVALUATIONS)
    seen: dict[tuple, int] = {}
    count = 0
    known = None
    if spec is HAMLETS and reading.use_known and scope.can_edit_results:
        recorded = reading.sheet.rows if reading.sheet is not None else None
        known = reading.known = known_rows.Known(scope, check.columns.columns, recorded)
    for raw in book.rows(check.columns, progress, known):
        count += 1
        if results_sheet and not scope.can_edit_results:
            check.problems.append(Problem(check.columns.sheet, "", msg.NO_RESULTS, order=check.order))
            break
        if raw.known:  # applied before and unchanged since: changes nothing
            continue
        ctx = RowContext(check, raw)
        if spec is HAMLETS:
            hamlet, key = check_hamlet(ctx, units, scope)
            if key is not None:
                duplicate(ctx, seen, key, "hamlet", Label(f"Thôn này với nhiệm kỳ {_term(key[2])}",
                                                          f"This hamlet and term {_term(key[2])}"))
            if hamlet is not None and ctx.ok:
                reading.hamlets.append(hamlet)
            elif key is not None:
                reading.failed_hamlets.add(key[:-1])
        elif spec is ADMISSIONS:
            admission, key = check_admission(ctx, units, scope)
            duplicate(ctx, seen, key, "full_name", Label("Người này (họ tên, năm sinh, thôn)",
                                                         "This person (name, birth year, hamlet)"))
            if admission is not None and ctx.ok:
                reading.admissions.append(admission)
        elif spec is TARGETS:
            target = check_target(ctx, units, scope)
            if target is not None:
                duplicate(ctx, seen, target.key, "metric", Label("Mục tiêu này", "This target"))
                if ctx.ok:
                    reading.targets.append(target)
        elif spec is ADMISSION_TARGETS:
            admission_target = check_admission_target(ctx, units, scope)
            if admission_target is not None:
                what = (Label("Chỉ tiêu của huyện và năm này", "The target of this district and year")
                        if admission_target.place.district else
                        Label("Chỉ tiêu của xã và năm này", "The target of this commune and year"))
                duplicate(ctx, seen, admission_target.key, "year", what)
                if ctx.ok:
                    reading.admission_targets.append(admission_target)
        elif spec is PLACEMENTS:
            placement = check_placement(ctx, units, scope)
            if isinstance(placement, PlacementRow):
                if (first := seen.setdefault(placement.hamlet, ctx.row)) != ctx.row:
                    ctx.problem("hamlet", placement_duplicate(first))
                if ctx.ok:
                    reading.placements.append(placement)
        else:
            _read_people_row(ctx, units, scope, seen, reading)
    return count


def _read_people_row(ctx: RowContext, units: Units, scope: Scope, seen: dict[tuple, int], reading: Reading) -> None:
    """A row of Chief plans, Chief evaluations or Area officials (``people_rows.py``)."""
    spec = ctx.sheet.columns.spec
    if spec is CHIEF_PLANS:
        plan, key = check_chief_plan(ctx, units, scope)
        duplicate(ctx, seen, key, "chief", PLAN_KEY)
        if plan is not None and ctx.ok:
            reading.chief_plans.append(plan)
    elif spec is CHIEF_EVALUATIONS:
        evaluation, key = check_evaluation(ctx, units, scope)
        duplicate(ctx, seen, key, "chief", EVALUATION_KEY)
        if evaluation is not None and ctx.ok:
            reading.evaluations.append(evaluation)
    elif spec is AREA_OFFICIALS:
        official = check_official(ctx, units, scope)
        if official is not None:
            duplicate(ctx, seen, official.key, "official", AREA_KEY)
            if ctx.ok:
                reading.officials.append(official)


def _term(years: tuple[int, int]) -> str:
    return f"{years[0]}-{years[1]}"


def _plan(reading: Reading, scope: Scope) -> Planner:
    years = [r.term for r in reading.hamlets] + [r.term for r in reading.targets] + [
        r.term for r in reading.chief_plans]
    planner = Planner(reading.checks, load_terms(years), reading.units, scope)
    planner.failed.update(reading.failed_hamlets)
    planner.load(_communes(reading))
    for row in reading.hamlets:
        planner.hamlet_row(row)
    planner.finish()
    asked = repeated_chiefs(planner, reading.hamlets)  # only where a row changes the chief
    planner.plan.warnings += asked
    planner.plan.passing += asked
    if reading.admissions:
        plan_sheets.admissions(planner, reading.admissions)
    if reading.targets:
        plan_sheets.targets(planner, reading.targets)
    if reading.admission_targets:
        plan_sheets.admission_targets(planner, reading.admission_targets)
    if reading.placements:
        plan_sheets.placements(planner, reading.placements)
    if reading.chief_plans:
        plan_people.chief_plans(planner, reading.chief_plans)
    if reading.evaluations:
        plan_people.evaluations(planner, reading.evaluations)
    if reading.officials:
        plan_people.officials(planner, reading.officials)
    planner.plan.settle()
    return planner


def _communes(reading: Reading) -> set[int]:
    """The communes of either list whose hamlets the rows may find (``row_communes``)."""
    ids: set[int] = set()
    for row in [*reading.hamlets, *reading.admissions, *reading.chief_plans, *reading.evaluations]:
        ids |= row_communes(row, reading.units)
    for placement in reading.placements:
        ids.update((placement.old.id, placement.commune.id))
    return ids
