"""``manage.py import_workbook PATH [--dry-run] [--user USERNAME]``

Imports a workbook of the import template (``workbooks.md`` section 1).
Exit 0 with one summary line on standard output; exit 1 with the problems on
standard error, one per line, ``Sheet!Cell: message``, and nothing written.
Warnings, progress lines of long imports and, with ``-v 2``, what each row
changes go to standard error too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from cadre_tracker.language import ScriptCommand
from elections.importing import import_workbook
from elections.importing.messages import Label, both

ACTIONS = {"create": Label("thêm", "create"), "update": Label("sửa", "update"),
           "unchanged": Label("không đổi", "unchanged")}


class Command(ScriptCommand):
    help = ("Import hamlets, Party cell congresses, chief elections, targets and admissions from an .xlsx "
            "workbook of the import template. All or nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--user", metavar="USERNAME",
                            help="import as this user: within their scope, recorded as theirs in the history")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"]) if options["user"] else None
        result = import_workbook(options["path"], user=user, dry_run=options["dry_run"], progress=self._progress)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
        for warning in result.warnings:
            self.stderr.write(both("Cảnh báo: ", "Warning: ") + str(warning), style_func=self.style.WARNING)
        if not result.ok:
            count = len(result.problems)
            raise CommandError(both(f"Không nhập gì: {count} lỗi",
                                    f"Nothing imported: {count} problem{'s' if count > 1 else ''}"), returncode=1)
        if options["verbosity"] >= 2:
            for change in result.changes:
                details = "; ".join(change.details)
                self.stderr.write(f"{change.sheet}!{change.row}: {ACTIONS.get(change.action, change.action)} "
                                  f"{change.subject}"
                                  + (f": {details}" if details else ""), style_func=lambda text: text)
        self.stdout.write(result.summary_line)

    def _progress(self, line: str) -> None:
        self.stderr.write(f"... {line}", style_func=lambda text: text)

    def _user(self, username: str) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            raise CommandError(both(f'Không có người dùng "{username}"', f'No user "{username}"'),
                               returncode=1) from None
        if not user.is_active:
            raise CommandError(both(f'Người dùng "{username}" đã bị khoá', f'The user "{username}" is inactive'),
                               returncode=1)
        return user
