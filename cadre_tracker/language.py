"""One language at a time: the messages written as a Vietnamese/English pair.

The import's, placement's and accounts' messages are built from pairs of texts
(``both(vi, en)``, ``Label(vi, en)``) rather than gettext, because they are
assembled from names and values at run time. Each pair gives the text of the
language active when it is turned into a string: the request's (Vietnamese by
default, English when the user chose it, ``middleware.VietnameseFirstMiddleware``),
the import job's (``elections.jobs`` activates the language stored on the job), or
the command line's (Vietnamese unless ``CT_LANGUAGE=en``, ``LanguageCommand``).

A message stored to be shown later (a job's problems) is therefore built under
the language of whoever will read it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

VIETNAMESE, ENGLISH = "vi", "en"
_PINNED: ContextVar[bool | None] = ContextVar("english_pinned", default=None)


def english() -> bool:
    """Whether the active language is English (anything else reads Vietnamese); inside ``pinned()``, whether
    it was when the block began."""
    if (pinned_ := _PINNED.get()) is not None:
        return pinned_
    return (translation.get_language() or "").lower().startswith(ENGLISH)


@contextmanager
def pinned() -> Iterator[None]:
    """The active language read once for a block that builds many messages: a 5,000-row import builds some
    38,000 (its changes, their dates), and each asked Django's active language (~2.5 µs through asgiref's
    ``Local``: ~0.1 s). For a block that activates no other language for its messages: a
    ``translation.override`` inside changes gettext's texts there, not those of ``both()``, ``Label`` and
    ``day()``."""
    token = _PINNED.set(english())
    try:
        yield
    finally:
        _PINNED.reset(token)


def both(vi: str, en: str) -> str:
    """The text of the active language."""
    return en if english() else vi


@dataclass(frozen=True)
class Label:
    """A name (a column's, a form field's, a unit's) in both languages; ``str()`` gives the active one."""

    vi: str
    en: str

    def __str__(self) -> str:
        return both(self.vi, self.en)


def day(value: dt.date) -> str:
    """A date as the active language writes it in a message: 05/03/2022 in Vietnamese, 2022-03-05 in English
    (four digits of year even before 1000: 01/05/0022, which ``strftime`` would write 01/05/22)."""
    return value.isoformat() if english() else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def moment(value: dt.datetime) -> str:
    """A date and time as the active language writes it: 05/03/2022 14:30:00, or ISO in English."""
    if english():
        return value.isoformat(sep=" ")
    return f"{day(value.date())} {value:%H:%M:%S}"


def command_language() -> str:
    """The command line's language: Vietnamese unless ``CT_LANGUAGE=en``."""
    return ENGLISH if os.environ.get("CT_LANGUAGE", "").strip().lower().startswith(ENGLISH) else VIETNAMESE


class LanguageCommand(BaseCommand):
    """A management command that speaks the command line's language (``command_language()``),
    its output and its errors (``CommandError``) alike."""

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language()):
            return super().execute(*args, **options)


class ScriptCommand(LanguageCommand):
    """A command that clerks' scripts and cron run often (imports, reports): Django's system checks (URLs,
    templates, admin: ~0.2 s, every view's module imported) belong to deployment (``manage.py check``,
    ``migrate``), so they are skipped unless asked; ``--skip-checks`` is still accepted."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.set_defaults(skip_checks=True)
        return parser
