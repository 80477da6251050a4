"""Date and number formats per language (``FORMAT_MODULE_PATH``), before Django's own.

Vietnamese shows dates ``DD/MM/YYYY`` everywhere (Django's own ``vi`` formats write
"Ngày 5 tháng 3 năm 2022" and ``05-03-2022``); English keeps Django's formats but reads
a typed date as ISO or day first, never month first.
"""
