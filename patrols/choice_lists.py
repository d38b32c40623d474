"""A form's model choices, all read with one statement that is compiled once.

The list filters show villages, officers and imbauan topics (or categories) on
every view, read afresh so an edited name shows at once. Three queries cost
more than the rest of the form: Django compiled each one anew (the officer
list, with its permission subqueries, alone took a millisecond), and each
was a round trip. Here the lists are one UNION ALL of the columns their labels
need, compiled once per process (it never changes: no user, no date, no
input in it), and each field's choices are built from its rows with the
field's own iterator, so the labels and the leading "All …" choices are the
field's. Validating a chosen value still uses the field's queryset.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import F, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.dispatch import receiver

# Every ChoiceLists, to forget their statements when the test settings change the databases.
_all: list[ChoiceLists] = []


class ReadRows:
    """Rows, from `read()` when asked for, standing in for the queryset of a ModelChoiceIterator
    (which iterates `iterator()`; {% crispy_cached %} lists `all()`)."""

    _prefetch_related_lookups = ()

    def __init__(self, read: Callable[[], list]) -> None:
        self._read = read

    def all(self) -> ReadRows:
        return self

    def iterator(self):
        return iter(self._read())

    def __iter__(self):
        return iter(self._read())


class ChoiceLists:
    """Named model choice lists: name -> (queryset, the text columns its labels are made of).

    Each list comes in its queryset's order. The querysets must be the same for
    every request (no user, date or input in them): their statement is kept.
    """

    def __init__(self, **lists: tuple[QuerySet, tuple[str, ...]]) -> None:
        self.lists = lists
        self.model = next(iter(lists.values()))[0].model
        self._statements: dict[tuple, tuple[str, tuple, list[int]]] = {}
        _all.append(self)

    def install(self, form: forms.BaseForm) -> None:
        """Give the form's fields of these names choices that read all of them on first use."""
        names = tuple(name for name in self.lists if name in form.fields)
        read = functools.cache(lambda: self.read(names))
        for name in names:
            field = form.fields[name]
            iterator = field.iterator(field)
            iterator.queryset = ReadRows(lambda name=name: read()[name])
            field.widget.choices = iterator

    def read(self, names: tuple[str, ...]) -> dict[str, list]:
        """The named lists' rows as (deferred) model instances, in order: one query."""
        alias = router.db_for_read(self.model)
        sql, params, positions = self._statement(alias, names)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = [[row[position] for position in positions] for row in cursor.fetchall()]
        rows.sort(key=lambda row: (row[0], row[1]))
        found: dict[str, list] = {name: [] for name in names}
        for index, _place, *values in rows:
            name = names[index]
            model, attnames = self._shape(name)
            found[name].append(model.from_db(alias, attnames, values[: len(attnames)]))
        return found

    @functools.cache  # noqa: B019 (a few module-level instances, kept for the process anyway)
    def _shape(self, name: str) -> tuple[type, list[str]]:
        """The model of a list and the columns read for it, in the model's field order."""
        queryset, columns = self.lists[name]
        model = queryset.model
        wanted = {model._meta.pk.attname, *(model._meta.get_field(column).attname for column in columns)}
        return model, [field.attname for field in model._meta.concrete_fields if field.attname in wanted]

    def _statement(self, alias: str, names: tuple[str, ...]) -> tuple[str, tuple, list[int]]:
        """The UNION ALL (SQL, parameters) and where each of (list, place, columns…) is in its rows."""
        key = (alias, names)
        if key not in self._statements:
            width = max(len(self._shape(name)[1]) for name in names)
            columns = ["_list", "_place", *(f"_column{n}" for n in range(width))]
            parts = []
            for index, name in enumerate(names):
                queryset, _columns = self.lists[name]
                model, attnames = self._shape(name)
                order = queryset.query.order_by or model._meta.ordering or [model._meta.pk.name]
                # Every branch selects the same annotations in the same order, so they line up.
                values = [F(attname) for attname in attnames] + [Value("")] * (width - len(attnames))
                parts.append(
                    queryset.order_by()
                    .annotate(
                        _list=Value(index),
                        _place=Window(RowNumber(), order_by=list(order)),
                        **dict(zip(columns[2:], values, strict=True)),
                    )
                    .values_list(*columns)
                )
            selected = list(parts[0].query.annotation_select)
            union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            sql, params = union.query.get_compiler(alias).as_sql()
            self._statements[key] = (sql, params, [selected.index(column) for column in columns])
        return self._statements[key]


@receiver(setting_changed)
def _forget_statements(*, setting: str, **kwargs) -> None:
    if setting == "DATABASES":
        for lists in _all:
            lists._statements.clear()
