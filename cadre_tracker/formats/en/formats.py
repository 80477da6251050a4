"""English: Django's display formats; a typed date is ISO or day first (as the Vietnamese forms and the
import read it), never month first."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                          "%d/%m/%Y"]
FIRST_DAY_OF_WEEK = 1  # Monday
