"""`{% crispy_cached form %}`: crispy-forms' rendering of an unbound form, rendered once.

crispy-forms renders a template per field, per radio button and per option: the
public aspiration form costs ~15 ms to render, several times the rest of the
page (measured in bench/, see bench/RESULTS.md). An unbound form renders the
same HTML for every visitor except its CSRF token and the values a form lists in
`render_cache_volatile` (e.g. a signed "form shown at" time). This tag renders
the form with placeholders for those, keeps the HTML in a small per-process
table, and swaps the real values in on every request (escaped, as the template
would). Bound forms (the visitor's input, errors) are always rendered afresh.

The key holds the form class, the language, the initial values and every
field's choices, so an admin's edit to a category or village shows at once.
The choices are read once per request and left on the widget, so the page
costs the same queries whether the HTML comes from the table or not. Use it
only for forms whose layout (FormHelper) depends on nothing else.

A form whose fields are all plain text inputs may also set
`render_cache_bound = True`: then a bound form is kept too, keyed by its errors
and by which fields are empty, with placeholders for what the visitor typed, which
is swapped back in escaped. The Cek Status form renders this way for any code,
right, unknown or malformed, so no kind of code pays crispy's cost alone.
"""

from __future__ import annotations

import copy
import hashlib
import re
import secrets

from crispy_forms.templatetags.crispy_forms_tags import do_uni_form
from django import forms, template
from django.forms.models import ModelChoiceIterator
from django.forms.widgets import ChoiceWidget
from django.utils.html import escape
from django.utils.translation import get_language

from patrols.choice_lists import ReadRows

register = template.Library()

MAX_ENTRIES = 64
_rendered: dict[str, str] = {}
# Random per process: a placeholder can never be typed into a choice label.
_MARK = secrets.token_hex(8)
CSRF_PLACEHOLDER = f"krk-csrf-{_MARK}"


def _placeholder(name: str) -> str:
    return f"krk-volatile-{_MARK}-{name}"


def _flat_choices(choices) -> list:
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            flat.append((str(value), _flat_choices(label)))
        else:
            flat.append((str(value), str(label)))
    return flat


def _read_choices(choices) -> list:
    """The choices as a list, read with one plain query for model choices.

    ModelChoiceIterator reads through QuerySet.iterator(), which on PostgreSQL is a
    server-side cursor (DECLARE, FETCH, CLOSE round trips). A copy of the iterator
    runs over the rows read with one plain query instead, so the leading static
    choices (empty label, django-filter's null label) and the labels come out
    as the field makes them, without compiling a second (empty) query for them.
    """
    if isinstance(choices, ModelChoiceIterator):
        reading = copy.copy(choices)
        rows = list(choices.queryset.all())
        reading.queryset = ReadRows(lambda: rows)
        # iter(): unpacking the iterator itself would ask it for len(), a COUNT query.
        return list(iter(reading))
    return list(choices)


def _key(form: forms.BaseForm, volatile: tuple[str, ...]) -> str:
    parts: list = [type(form).__module__, type(form).__qualname__, form.prefix, get_language()]
    for name, field in form.fields.items():
        if name in volatile:
            continue
        parts.append((name, repr(form.get_initial_for_field(field, name))))
        if isinstance(field.widget, ChoiceWidget):
            # Read the choices once (a query for model choices) and leave the list on the
            # widget, which is what renders them: no second query on a miss.
            field.widget.choices = _read_choices(field.widget.choices)
            parts.append(_flat_choices(field.widget.choices))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Inputs that do not show their value as `value="…"` (or not at all).
_NOT_PLAIN_INPUTS = frozenset({"checkbox", "radio", "file", "password"})


def _plain_text_input(widget: forms.Widget) -> bool:
    """A widget that shows its value only as `value="…"` (so a placeholder can stand in)."""
    return isinstance(widget, forms.widgets.Input) and widget.input_type not in {
        "checkbox",
        "radio",
        "file",
        "password",
    }


def _shown_values(form: forms.BaseForm) -> dict[str, str] | None:
    """What each field shows as its value (None: empty, no value attribute), or None
    if the form cannot be kept bound."""
    if not getattr(form, "render_cache_bound", False):
        return None
    shown = {}
    for name, field in form.fields.items():
        if not _plain_text_input(field.widget):
            return None
        shown[name] = field.widget.format_value(form[name].value())
    return shown


def _bound_key(form: forms.BaseForm, shown: dict[str, str | None]) -> str:
    parts: list = ["bound", type(form).__module__, type(form).__qualname__, form.prefix, get_language()]
    parts.append(sorted((name, value is None) for name, value in shown.items()))
    # The errors decide the markup (is-invalid, aria-describedby, the messages) and
    # are kept verbatim in it: the key holds them in full.
    parts.append(form.errors.get_json_data())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _substitute(html: str, values: dict[str, str]) -> str:
    """Each placeholder replaced by its (already escaped) value, in one pass, so a
    value is never searched for placeholders itself."""
    if not values:
        return html
    pattern = re.compile("|".join(re.escape(placeholder) for placeholder in values))
    return pattern.sub(lambda match: values[match.group(0)], html)


def _remember(key: str, html: str) -> None:
    if len(_rendered) >= MAX_ENTRIES:
        _rendered.clear()
    _rendered[key] = html


class CachedCrispyNode(template.Node):
    def __init__(self, crispy_node: template.Node) -> None:
        self.crispy_node = crispy_node
        self.form = template.Variable(crispy_node.form)

    def render(self, context: template.Context) -> str:
        form = self.form.resolve(context)
        if form.is_bound:
            return self._render_bound(form, context)
        volatile = tuple(getattr(form, "render_cache_volatile", ()))
        key = _key(form, volatile)
        html = _rendered.get(key)
        if html is None:
            html = self._render_with_placeholders(form, volatile, context)
            _remember(key, html)
        # Reading csrf_token also makes the middleware set the CSRF cookie.
        values = {CSRF_PLACEHOLDER: escape(str(context.get("csrf_token", "")))}
        for name in volatile:
            value = form.get_initial_for_field(form.fields[name], name)
            values[_placeholder(name)] = escape("" if value is None else str(value))
        return _substitute(html, values)

    def _render_bound(self, form, context: template.Context) -> str:
        shown = _shown_values(form)
        if shown is None:
            return self.crispy_node.render(context)
        key = _bound_key(form, shown)
        html = _rendered.get(key)
        if html is None:
            html = self._render_bound_with_placeholders(form, shown, context)
            _remember(key, html)
        values = {CSRF_PLACEHOLDER: escape(str(context.get("csrf_token", "")))}
        values.update({_placeholder(name): escape(value) for name, value in shown.items() if value is not None})
        return _substitute(html, values)

    def _render_bound_with_placeholders(self, form, shown: dict[str, str | None], context: template.Context) -> str:
        # The errors are already worked out from the real input; only the shown values
        # change, to placeholders (an empty field stays empty: it has no value attribute).
        saved = form.data
        form.data = {name: _placeholder(name) for name, value in shown.items() if value is not None}
        form._bound_fields_cache.clear()
        try:
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                return self.crispy_node.render(context)
        finally:
            form.data = saved
            form._bound_fields_cache.clear()

    def _render_with_placeholders(self, form, volatile: tuple[str, ...], context: template.Context) -> str:
        saved = {name: form.initial.get(name) for name in volatile}
        form.initial.update({name: _placeholder(name) for name in volatile})
        # A BoundField keeps the initial value it first saw: start and end with fresh ones.
        for name in volatile:
            form._bound_fields_cache.pop(name, None)
        try:
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                return self.crispy_node.render(context)
        finally:
            for name, value in saved.items():
                form._bound_fields_cache.pop(name, None)
                if value is None:
                    form.initial.pop(name, None)
                else:
                    form.initial[name] = value


@register.tag
def crispy_cached(parser, token) -> CachedCrispyNode:
    """`{% crispy_cached form %}`: like `{% crispy form %}`, cached while the form is unbound."""
    return CachedCrispyNode(do_uni_form(parser, token))
