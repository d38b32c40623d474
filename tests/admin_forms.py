"""What a browser posts back from a Django admin change page."""

from django import forms
from django.http import HttpResponse


def change_form_data(response: HttpResponse, **changes) -> dict:
    """The change page's form and inline forms as they stand, with `changes` on top.

    Read-only fields are not in the form and so not posted, as in a browser; a test
    adds them through `changes` to post what a browser could not.
    """
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        for form in formset.forms:
            data.update(_form_data(form))
    data.update(changes)
    return data


def _form_data(form: forms.BaseForm) -> dict:
    data: dict = {}
    for name, field in form.fields.items():
        key, value = form.add_prefix(name), form[name].value()
        if isinstance(field.widget, forms.MultiWidget):  # the admin's split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{key}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:  # an unticked checkbox is not posted at all
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif value is not None:
            data[key] = str(value)
    return data
