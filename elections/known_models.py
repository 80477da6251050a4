"""Hamlets rows an import applied cleanly, so that the same row read again is known to change nothing
(``elections.importing.known``)."""

from __future__ import annotations

from django.db import models


class KnownRow(models.Model):
    """One Hamlets row, by the digest of its cells (with the import's code, the user's scope and the
    sheet's columns), as an import left its hamlet: the hamlet's ``version`` then, and a digest of the
    hamlets the row was matched among (``places``: every hamlet lying, in either list, in ``communes``).
    The same row read again while the hamlet is still at that version, its facts rows those it had (any
    save or delete of the hamlet or of its records, cell, congresses or elections rewrites them, even one
    that forgot the version) and those hamlets are as they were is applied to the very state it produced,
    which changes nothing.

    Plain columns, not foreign keys: a row of a hamlet deleted since is never found (the lookup joins the
    hamlet), and deleting a hamlet costs no extra query."""

    digest = models.CharField(max_length=32)  # unique (the constraint's index, without a pattern index)
    hamlet_id = models.IntegerField()
    term_id = models.IntegerField()
    version = models.PositiveIntegerField()
    facts = models.BigIntegerField()  # the latest id of the hamlet's facts rows, rewritten by every write of it
    places = models.CharField(max_length=32)
    communes = models.TextField()  # their ids, ","-separated
    subject_vi = models.TextField()  # what the row's change names (``Planner.subject``), in either language
    subject_en = models.TextField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["digest"], name="known_row_digest")]
        indexes = [models.Index(fields=["hamlet_id"], name="known_row_hamlet")]  # a hamlet's rows recorded again

    def __str__(self) -> str:
        return f"{self.digest} → {self.hamlet_id} v{self.version}"


class KnownSheet(models.Model):
    """A Hamlets sheet an import read in full, by the digest of the whole file's bytes (``file``) and a key
    of the code, the user's scope and the sheet's title (``key``): what its scan found, where its columns
    are, and the digest of each row holding a value, in order. The same file again needs neither the scan
    nor calamine's parse to know its rows' digests; whether each row is known unchanged is still asked of
    ``KnownRow`` (``elections.importing.again``)."""

    key = models.CharField(max_length=32)
    file = models.CharField(max_length=32)
    columns = models.JSONField()  # field -> 1-based column number (``ColumnMap.columns``)
    last_row = models.PositiveIntegerField()  # ``SheetScan``
    last_column = models.PositiveIntegerField()
    formulas = models.BooleanField()
    errors = models.BooleanField()
    refs = models.BooleanField()
    rows = models.TextField()  # "number:digest" of each row holding a value, ","-separated
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "file"], name="known_sheet_file")]

    def __str__(self) -> str:
        return f"{self.key}/{self.file}"
