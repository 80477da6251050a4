"""The one place that decides what a user may see and change.

Every queryset of data that belongs to a hamlet derives from
``ScopedQuerySet`` and names, in ``hamlet_path``, the way from its model to
the hamlet (``""`` for hamlets themselves). ``restrict(user)`` then keeps
only the rows of the user's scope:

* an administrator (or the command line, ``FULL_SCOPE``): everything;
* central staff (``national``, the Central Organization Commission): every
  hamlet of the country, read-only (no right to change anything);
* provincial staff: the hamlets of their 2025 province (which holds the
  earlier provinces merged into it), placed or not;
* a district board (earlier list): the hamlets whose earlier commune lies in
  its district;
* a commune Party committee (2025 list): the hamlets placed in its commune;
* anyone else: nothing.

Querysets of official units override ``restrict`` (``hamlets.models``), but
decide from the same ``Scope``.
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
    province_id: int | None = None  # always a province of the 2025 list
    district_id: int | None = None  # a district board (earlier list)
    commune_id: int | None = None  # a commune Party committee (2025 list)
    editor: bool = False  # provincial staff who may change results (boards always may, in their unit)
    national: bool = False  # central staff: see the whole country, change nothing

    @property
    def sees_all(self) -> bool:
        """Sees every hamlet and unit of the country, and the national view: an administrator, the command
        line, central staff."""
        return self.everything or self.national

    @property
    def is_district(self) -> bool:
        return self.district_id is not None

    @property
    def is_commune(self) -> bool:
        return self.commune_id is not None

    @property
    def is_board(self) -> bool:
        return self.is_district or self.is_commune

    @property
    def is_province(self) -> bool:
        return not self.is_board and self.province_id is not None

    @property
    def nothing(self) -> bool:
        return not (self.sees_all or self.province_id or self.district_id or self.commune_id)

    @property
    def can_edit_results(self) -> bool:
        if self.national:  # central staff change nothing, whatever else the row says
            return False
        return self.everything or self.is_board or (self.is_province and self.editor)

    @property
    def can_set_targets(self) -> bool:
        return not self.national and (self.everything or self.is_province)

    @property
    def can_place_any(self) -> bool:
        """May place or re-place any hamlet of the scope (commune boards place into their own commune only)."""
        return not self.national and (self.everything or self.is_province)

    def hamlet_q(self, hamlet_path: str = "") -> Q:
        """A filter for rows reached from the hamlet by ``hamlet_path`` (``""``: hamlets)."""
        prefix = f"{hamlet_path}__" if hamlet_path else ""
        if self.sees_all:
            return Q()
        if self.district_id is not None:
            return Q(**{f"{prefix}commune__district_id": self.district_id})
        if self.commune_id is not None:
            return Q(**{f"{prefix}new_commune_id": self.commune_id})
        if self.province_id is not None:
            return Q(**{f"{prefix}province_id": self.province_id})
        return Q(pk__in=[])

    def covers(self, *, district_id: int | None, new_commune_id: int | None, province_id: int | None) -> bool:
        """``hamlet_q`` for one hamlet held in memory, by its earlier commune's district, its 2025 commune
        and its 2025 province (an import checks a hamlet as the row will leave it)."""
        if self.sees_all:
            return True
        if self.district_id is not None:
            return district_id == self.district_id
        if self.commune_id is not None:
            return new_commune_id == self.commune_id
        if self.province_id is not None:
            return province_id == self.province_id
        return False

    @classmethod
    def of_any(cls, user: Any) -> Scope:
        return user if isinstance(user, Scope) else cls.of(user)

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

        row = UserScope.objects.filter(user=user).values("province_id", "district_id", "commune_id", "editor",
                                                         "national").first()
        if row and row["national"]:  # central staff: the whole country, whatever else the row says
            row = {"national": True}
        scope = cls(**row) if row else cls()
        user._cadre_scope = scope  # type: ignore[union-attr]
        return scope


FULL_SCOPE = Scope(everything=True)


class ScopedQuerySet(models.QuerySet):
    """``hamlet_path``: from this model to its hamlet (``""``: a hamlet)."""

    hamlet_path: ClassVar[str] = ""

    def restrict(self, user: Any) -> Self:
        return self.filter(Scope.of_any(user).hamlet_q(self.hamlet_path))


class HamletChildQuerySet(ScopedQuerySet):
    """Rows that belong to a hamlet (cells, members, chief elections)."""

    hamlet_path = "hamlet"
