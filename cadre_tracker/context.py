from __future__ import annotations

from django.http import HttpRequest

from hamlets.scoping import Scope


def scope(request: HttpRequest) -> dict[str, Scope]:
    """The user's scope for templates: menus and edit buttons follow it."""
    return {"scope": Scope.of(getattr(request, "user", None))}
