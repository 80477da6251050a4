"""Placeholder until the forms land: the URLs exist so templates resolve."""
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


congress_edit = election_new = election_edit = admission_new = import_upload = _missing
