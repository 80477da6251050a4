"""The one place that decides what a user may see and change.

Every queryset of data that belongs to a district derives from
``ScopedQuerySet`` and names, in ``district_path``, the way from its model
to the district. ``restrict(user)`` then keeps only the rows of the user's
scope: all of them for an administrator (or the command line, ``user=None``
with ``full=True``), one province for provincial staff, one district for a
district board, nothing for anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    province_id: int | None = None
    district_id: int | None = None
    editor: bool = False  # may change the districts' results (district boards always may, in their district)

    @property
    def is_district(self) -> bool:
        return self.district_id is not None

    @property
    def is_province(self) -> bool:
        return self.district_id is None and self.province_id is not None

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.province_id or self.district_id)

    @property
    def can_edit_results(self) -> bool:
        return self.everything or self.is_district or (self.is_province and self.editor)

    @property
    def can_set_targets(self) -> bool:
        return self.everything or self.is_province

    def q(self, district_path: str, province_path: str | None = None) -> Q:
        """A filter for rows reached from the district by ``district_path``
        (``""`` for districts themselves)."""
        prefix = f"{district_path}__" if district_path else ""
        if self.everything:
            return Q()
        if self.district_id is not None:
            return Q(**{f"{prefix}pk": self.district_id})
        if self.province_id is not None:
            return Q(**{province_path or f"{prefix}province_id": self.province_id})
        return Q(pk__in=[])

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser | None) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls()
        if user.is_superuser:
            return cls(everything=True)
        cached = getattr(user, "_cadre_scope", None)
        if cached is not None:
            return cached
        from .models import UserScope

        row = UserScope.objects.filter(user=user).values("province_id", "district_id", "editor").first()
        scope = cls(**row) if row else cls()
        user._cadre_scope = scope  # type: ignore[union-attr]
        return scope


FULL_SCOPE = Scope(everything=True)


class ScopedQuerySet(models.QuerySet):
    """``district_path``: from this model to its district (``""``: a district)."""

    district_path: ClassVar[str] = ""
    province_path: ClassVar[str | None] = None

    def restrict(self, user: Any) -> Self:
        scope = user if isinstance(user, Scope) else Scope.of(user)
        return self.filter(scope.q(self.district_path, self.province_path))


class HamletChildQuerySet(ScopedQuerySet):
    """Rows that belong to a hamlet (cells, members, chief elections)."""

    district_path = "hamlet__commune__district"
    province_path = "hamlet__commune__district__province_id"
