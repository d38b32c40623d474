"""The error summary at the top of a form, as GOV.UK's design system does it.

Each problem is a link to its field; portal.js moves the focus to the summary when
the page opens and to the field when a link is followed.
"""

from __future__ import annotations

from html import escape

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _anchor(field: forms.BoundField) -> str:
    """The id of the element a problem links to: a choice list's first option."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.inclusion_tag("core/_error_summary.html")
def error_summary(form: forms.BaseForm) -> dict[str, object]:
    if not form.is_bound:
        return {"problems": []}  # nothing sent, nothing wrong (and no field walked)
    problems = [{"anchor": "", "message": error} for error in form.non_field_errors()]
    for field in form:
        problems += [
            {"anchor": "" if field.is_hidden else _anchor(field), "label": field.label, "message": error}
            for error in field.errors
        ]
    return {"problems": problems}


# The pieces every field of a hand-written form repeats, with the markup and ids of
# crispy-forms' Bootstrap 5 pack (error ids `error_<n>_id_<field>`, help `id_<field>_helptext`),
# built here rather than by a template per field: the public form renders in one template.


@register.simple_tag
def field_label(field: forms.BoundField, tag: str = "label") -> str:
    """The field's <label> (or a choice list's <legend>), with crispy's required mark."""
    required = field.field.required
    mark = mark_safe('<span class="asteriskField">*</span>') if required else ""
    css = "form-label requiredField" if required else "form-label"
    if tag == "legend":
        return format_html('<legend class="{} fs-6">{}{}</legend>', css, field.label, mark)
    return format_html('<label for="{}" class="{}">{}{}</label>', field.id_for_label, css, field.label, mark)


@register.simple_tag
def field_aria(field: forms.BoundField, *, help: bool = True) -> str:
    """` aria-invalid` and ` aria-describedby` for the field's input: its error and help text."""
    ids = []
    if help and field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    invalid = mark_safe(' aria-invalid="true"') if field.errors else ""
    described = format_html(' aria-describedby="{}"', " ".join(ids)) if ids else ""
    return format_html("{}{}", invalid, described)


@register.simple_tag
def field_errors(field: forms.BoundField, block: bool = False) -> str:
    """The field's errors, right under it (`block` for choice lists, which have no invalid input before)."""
    if not field.errors:
        return ""
    items = format_html_join(
        " ",
        '<span id="error_{}_{}"><strong>{}</strong></span>',
        ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
    )
    css = "invalid-feedback d-block" if block else "invalid-feedback"
    return format_html('<div id="{}_error" class="{}"> {} </div>', field.auto_id, css, items)


@register.simple_tag
def field_help(field: forms.BoundField) -> str:
    if not field.help_text:
        return ""
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text)


@register.simple_tag
def field_options(field: forms.BoundField) -> str:
    """A <select>'s options, the field's value selected, escaped with the standard library's
    `html.escape` in one pass: a template loop, or `format_html` per option, cost 10-20 µs an
    option, and the national form's regency list has 514 (bench/FINDINGS.md, issue 14)."""
    current = as_value(field.value())
    choices = getattr(field.field, "choices", ())  # a ChoiceField's: a list, or a callable's (lazy) iterator
    return mark_safe(  # noqa: S308 (every value and label is escaped here)
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )


@register.filter
def as_value(value: object) -> str:
    """A field's current value as its inputs write it, for comparing with a choice."""
    return "" if value is None else str(value)
