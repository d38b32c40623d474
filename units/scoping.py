"""Scoping: every query of a unit's rows sees only the units a request may see, or fails.

A model that owns unit data declares `objects = UnitScopedManager.from_queryset(ItsQuerySet)()`
(spelled out in the class body, where django-stubs reads it) and, when its unit is
reached through a relation, `scoped_by = "patrol__unit"`. Every
query of it then carries `InScope`, a condition that is turned into SQL when the
query runs, not when it is built, from the scope active at that moment:

- a unit's subtree (`unit_scope(unit)`, or `user_scope(user)` which the middleware
  enters for every request): `unit_id IN (SELECT id FROM units_unit WHERE path
  LIKE 'jabar/indramayu/%')`, one indexed prefix match inside the same query, or
  `unit_id = 7` for a Polsek, which has no unit below it (`Reach`);
- the whole deployment (`deployment_wide()`, django-scopes' `scopes_disabled`):
  public pages, management commands, jobs, signals, tallies;
- no scope at all: the query raises `ScopeError` instead of leaking every unit's
  rows. That is the point: a forgotten scope is a crash in the tests, not an IDOR.

The state (a context variable) and its vocabulary (`scope`, `scopes_disabled`,
`ScopeError`) are pretix's django-scopes. Its own `ScopedManager` is not used: it
decides when a QuerySet is *created*, so a form field's queryset built at import
time (outside any request) fails forever after, and `.exists()`, `.in_bulk()` or
`.contains()` on an unscoped manager still run unfiltered. Deciding when the SQL
is compiled has neither hole: whatever path a query takes to the database, it
passes through `InScope.as_sql`.

Officers (the user model) are not scoped: authentication, sessions and django-axes
read them before any scope exists. Lists of officers filter with `in_scope("unit")`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import BooleanField, Expression, F
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.state import state

from .models import Kecamatan, Unit, UnitKind

__all__ = [
    "InScope",
    "ScopeError",
    "UnitScopedManager",
    "deployment_wide",
    "in_scope",
    "unit_scope",
    "user_scope",
    "visible_kecamatan",
    "visible_unit_ids",
    "visible_units",
]

DIMENSION = "unit"


@dataclass(frozen=True)
class Reach:
    """What a scope covers: the path of its units' subtree, and the Polsek when it is one.

    `path` is None for the whole deployment and "" for nothing (a staff account without
    a unit). A Polsek has no unit below it, so its subtree is its own id: `unit_id = 7`,
    which PostgreSQL's statistics estimate exactly; the subquery on `path` would leave the
    planner guessing, and at national size it then walks a table's whole date index
    looking for one Polsek's rows (bench/FINDINGS.md, issue 14, 10M patrols).
    """

    path: str | None
    polsek_id: int | None = None


def reach_of(unit: Unit | None) -> Reach:
    """The reach of `unit` and the units below it; None: the whole deployment."""
    if unit is None:
        return Reach(None)
    return Reach(unit.path, unit.pk if unit.kind == UnitKind.POLSEK else None)


class Subtree:
    """The value of the scope's dimension: the `Reach` of the units a scope covers.

    It is resolved lazily, when the first scoped query compiles, so a request that reads
    no unit data pays nothing for its scope.
    """

    def __init__(self, resolve: Callable[[], Reach]) -> None:
        self._resolve = resolve

    @functools.cached_property
    def value(self) -> Reach:
        return self._resolve()


def user_path(user: Any) -> str | None:
    """The path whose subtree `user` may see: None for every unit (superuser), "" for none."""
    return user_reach(user).path


def user_reach(user: Any) -> Reach:
    """What `user` may see: every unit (superuser), their unit's subtree, or nothing."""
    if not (user.is_authenticated and user.is_active):
        return Reach("")
    if user.is_superuser:
        return Reach(None)
    unit = getattr(user, "unit", None)
    return reach_of(unit) if unit is not None else Reach("")


def visible_units(user: Any) -> models.QuerySet[Unit]:
    """The units `user` may see: their unit and every unit below it (all for a superuser)."""
    path = user_path(user)
    if path is None:
        return Unit.objects.all()
    if not path:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=path)


def visible_unit_ids(user: Any) -> models.QuerySet:
    """The ids of `visible_units(user)`, lazily: a subquery inside the query that uses it."""
    return visible_units(user).values("pk")


def visible_kecamatan(user: Any) -> models.QuerySet[Kecamatan]:
    """The kecamatan `user` may see: those their subtree covers (a superuser: all, unassigned too)."""
    if user_path(user) is None:
        return Kecamatan.objects.all()
    return Kecamatan.objects.filter(unit__in=visible_unit_ids(user))


@contextmanager
def _exactly(current: dict) -> Iterator[None]:
    """Make `current` the whole scope (nothing inherited from an enclosing one) for the block."""
    token = state.set(current)
    try:
        yield
    finally:
        state.reset(token)


def user_scope(user: Any) -> Any:
    """The scope of a request: the signed-in user's subtree; nothing at all for anyone else.

    An anonymous request gets an empty scope, so a public view that reads unit data
    must say `deployment_wide()`: forgetting it is a ScopeError, not a silent leak.
    """
    if not user.is_authenticated:
        return _exactly({"_enabled": True})
    return _exactly({"_enabled": True, DIMENSION: Subtree(lambda: user_reach(user))})


def unit_scope(unit: Unit | None) -> Any:
    """The subtree of `unit` (a job working for that unit); None: the whole deployment."""
    reach = reach_of(unit)
    return _exactly({"_enabled": True, DIMENSION: Subtree(lambda: reach)})


def deployment_wide() -> Any:
    """Every unit's rows: code that legitimately spans units (public pages, commands, jobs).

    Also a decorator: `@deployment_wide()`.
    """
    return scopes_disabled()


class InScope(Expression):
    """A WHERE condition: the row's unit (`unit_field`) is inside the active scope.

    Compiled when the query runs; raises ScopeError when no scope is active.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, unit_field: str) -> None:
        super().__init__()
        self.unit = F(unit_field)

    def get_source_expressions(self) -> list:
        return [self.unit]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.unit,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        current = get_scope()
        if not current.get("_enabled", True):
            return "1 = 1", ()
        if DIMENSION not in current:
            raise ScopeError(f"A unit scope must be active to query {compiler.query.model._meta.label}.")
        reach = current[DIMENSION].value
        if reach.path is None:
            return "1 = 1", ()
        if not reach.path:
            return "1 = 0", ()
        unit_sql, unit_params = compiler.compile(self.unit)
        if reach.polsek_id is not None:
            return f"{unit_sql} = %s", (*unit_params, reach.polsek_id)
        qn = connection.ops.quote_name
        meta = Unit._meta
        like = connection.operators["startswith"] % "%s"
        # Identifiers come from the model's meta, quoted; the path is a parameter.
        sql = (
            f"{unit_sql} IN (SELECT {qn(meta.pk.column)} FROM {qn(meta.db_table)}"  # noqa: S608
            f" WHERE {qn(meta.get_field('path').column)} {like})"
        )
        return sql, (*unit_params, f"{connection.ops.prep_for_like_query(reach.path)}%")


def in_scope(unit_field: str = "unit") -> InScope:
    """The scope's condition for a model that is not scoped itself: `Officer.objects.filter(in_scope())`."""
    return InScope(unit_field)


class UnitScopedManager(models.Manager):
    """Adds `InScope` to every query; the model names the path to its unit in `scoped_by`.

    A class attribute, not an argument: Django builds the related managers
    (`patrol.photos`) from this class without arguments.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(InScope(getattr(self.model, "scoped_by", "unit")))


class ScopedValidation:
    """Unique checks see every unit: a code taken in another Polsek is a form error, not an IntegrityError.

    Django checks uniqueness through the default manager, which the scope narrows.
    """

    def validate_unique(self, exclude: Any = None) -> None:
        with deployment_wide():
            super().validate_unique(exclude)  # type: ignore[misc]

    def validate_constraints(self, exclude: Any = None) -> None:
        with deployment_wide():
            super().validate_constraints(exclude)  # type: ignore[misc]


__all__ += ["ScopedValidation", "scope", "scopes_disabled"]
