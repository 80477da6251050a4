"""The spreadsheet import (``workbooks.md`` section 1).

``import_workbook`` is the one entry point, for the ``import_workbook``
command and the web upload; ``rules`` holds the row rules that the web
forms reuse.
"""

from .result import Change, ImportResult, Problem, Summary
from .service import import_workbook
from .workbook import MAX_FILE_BYTES, MAX_RATIO, MAX_ROWS, MAX_UNCOMPRESSED, Refused

__all__ = ["MAX_FILE_BYTES", "MAX_RATIO", "MAX_ROWS", "MAX_UNCOMPRESSED", "Change", "ImportResult", "Problem",
           "Refused", "Summary", "import_workbook"]
