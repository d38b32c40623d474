"""The error summary at the top of a form, as GOV.UK's design system does it.

Each problem is a link to its field; portal.js moves the focus to the summary when
the page opens and to the field when a link is followed.
"""

from __future__ import annotations

from django import forms, template

register = template.Library()


def _anchor(field: forms.BoundField) -> str:
    """The id of the element a problem links to: a choice list's first option."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.inclusion_tag("core/_error_summary.html")
def error_summary(form: forms.BaseForm) -> dict[str, object]:
    problems = [{"anchor": "", "message": error} for error in form.non_field_errors()]
    for field in form:
        problems += [
            {"anchor": "" if field.is_hidden else _anchor(field), "label": field.label, "message": error}
            for error in field.errors
        ]
    return {"problems": problems}
