"""What the hamlet pages share that needs no results (the pages themselves live in
``elections.hamlet_pages``: they show results, and ``hamlets`` never imports ``elections``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .scoping import Scope


def require_editor(request: HttpRequest) -> None:
    if not Scope.of(request.user).can_edit_results:
        raise PermissionDenied(_("Bạn chỉ có quyền xem, không có quyền sửa kết quả."))
