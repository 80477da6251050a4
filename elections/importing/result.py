"""What an import reports: problems, warnings, the preview of changes and counts."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .messages import summary
from .people_messages import people_summary

PEOPLE_SHEETS = frozenset({"Chief plans", "Chief evaluations", "Area officials"})


@dataclass(frozen=True)
class Problem:
    """A problem (or warning) at a cell: ``str()`` gives ``Sheet!Cell: message``.

    A problem of the whole file has no sheet and no cell; one of a whole
    sheet (a missing header) has a sheet and no cell. ``field`` names the
    template column (``party_members``), for a web form to attach it to.
    """

    sheet: str
    cell: str
    message: str
    row: int = 0
    column: int = 0
    field: str = ""
    order: int = 0  # the sheet's place in the reading order, for sorting

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}: {self.message}"
        if self.sheet:
            return f"{self.sheet}: {self.message}"
        return self.message

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return self.order, self.row, self.column


@dataclass(frozen=True)
class Change:
    """What importing one row does, for a preview: ``action`` is ``create``,
    ``update`` or ``unchanged``; ``details`` says what changes, field by field,
    in the active language (``Số đảng viên: 12 → 3``)."""

    sheet: str
    row: int
    subject: str
    action: str
    details: tuple[str, ...] = ()


@dataclass
class Summary:
    """Rows read per sheet and objects written (or, in a dry run, to be written)."""

    rows: dict[str, int] = field(default_factory=dict)
    hamlets_created: int = 0
    hamlets_updated: int = 0
    records_created: int = 0
    records_updated: int = 0
    cells_created: int = 0
    cells_updated: int = 0
    congresses_created: int = 0
    congresses_updated: int = 0
    congresses_deleted: int = 0
    elections_created: int = 0
    elections_updated: int = 0
    elections_deleted: int = 0
    admissions_created: int = 0
    admissions_updated: int = 0
    targets_created: int = 0
    targets_updated: int = 0
    admission_targets_created: int = 0
    admission_targets_updated: int = 0
    chief_plans_created: int = 0
    chief_plans_updated: int = 0
    evaluations_created: int = 0
    evaluations_updated: int = 0
    officials_created: int = 0
    officials_updated: int = 0
    official_areas_created: int = 0

    @property
    def written(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self) if f.name != "rows")

    def line(self, name: str, dry_run: bool = False) -> str:
        """One line in the active language: ``Đã nhập x.xlsx: 10 dòng; ...`` (``Imported x.xlsx: 10 rows; ...``);
        the people sheets' counts where the workbook has one of those sheets or they write something."""
        line = summary(
            name, sum(self.rows.values()), dry_run,
            hamlets=(self.hamlets_created, self.hamlets_updated),
            cells=(self.cells_created, self.cells_updated),
            congresses=(self.congresses_created + self.congresses_updated, self.congresses_deleted),
            elections=(self.elections_created + self.elections_updated, self.elections_deleted),
            admissions=self.admissions_created + self.admissions_updated,
            targets=self.targets_created + self.targets_updated,
            admission_targets=self.admission_targets_created + self.admission_targets_updated)
        counts = {"plans": self.chief_plans_created + self.chief_plans_updated,
                  "evaluations": self.evaluations_created + self.evaluations_updated,
                  "officials": self.officials_created + self.officials_updated, "areas": self.official_areas_created}
        if any(counts.values()) or PEOPLE_SHEETS & set(self.rows):
            line += f"; {people_summary(**counts)}"
        return line


@dataclass
class ImportResult:
    """The outcome of ``import_workbook``: ``ok`` when nothing refused the file.

    When ``ok`` is false nothing was written and ``problems`` lists every
    problem of every row (or the one reason the whole file was refused,
    ``refused``). ``changes`` previews, row by row, what was (or in a dry
    run would be) written; ``warnings`` never block the import.
    ``versions``: each stored hamlet the import changes, with the version
    the plan was made against (for ``import_workbook(expected_versions=)``).
    """

    name: str
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    refused: bool = False
    written: bool = False
    versions: dict[int, int] = field(default_factory=dict)  # hamlet id -> version read, for those it changes
    known: int = 0  # Hamlets rows applied before and unchanged since, not checked again (``known.py``)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary_line(self) -> str:
        return self.summary.line(self.name, self.dry_run)
