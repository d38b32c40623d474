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
"""

from __future__ import annotations

import copy
import hashlib
import secrets

from crispy_forms.templatetags.crispy_forms_tags import do_uni_form
from django import forms, template
from django.forms.models import ModelChoiceIterator
from django.forms.widgets import ChoiceWidget
from django.utils.html import escape
from django.utils.translation import get_language

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
    server-side cursor (DECLARE, FETCH, CLOSE round trips). The leading static
    choices (empty label, django-filter's null label) come from a copy of the
    iterator over an empty queryset, which runs no query.
    """
    if isinstance(choices, ModelChoiceIterator):
        leading = copy.copy(choices)
        leading.queryset = choices.queryset.none()
        # iter(): unpacking the iterator itself would ask it for len(), a COUNT query.
        return [*iter(leading), *(choices.choice(obj) for obj in choices.queryset.all())]
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


class CachedCrispyNode(template.Node):
    def __init__(self, crispy_node: template.Node) -> None:
        self.crispy_node = crispy_node
        self.form = template.Variable(crispy_node.form)

    def render(self, context: template.Context) -> str:
        form = self.form.resolve(context)
        if form.is_bound:
            return self.crispy_node.render(context)
        volatile = tuple(getattr(form, "render_cache_volatile", ()))
        key = _key(form, volatile)
        html = _rendered.get(key)
        if html is None:
            html = self._render_with_placeholders(form, volatile, context)
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = html
        # Reading csrf_token also makes the middleware set the CSRF cookie.
        html = html.replace(CSRF_PLACEHOLDER, escape(str(context.get("csrf_token", ""))))
        for name in volatile:
            value = form.get_initial_for_field(form.fields[name], name)
            html = html.replace(_placeholder(name), escape("" if value is None else str(value)))
        return html

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
