"""core.templatetags.krk_forms: the pieces of the hand-written public form."""

from django import forms
from django.template import Context, Template

OPTIONS = Template("{% load krk_forms %}{% field_options form.choice %}")


class Chooser(forms.Form):
    choice = forms.ChoiceField(choices=[("", "— pilih —"), ("32.12", "Indramayu"), ("32.09", 'Cirebon <"kota">')])


def test_options_select_the_fields_value_and_escape_labels():
    html = OPTIONS.render(Context({"form": Chooser({"choice": "32.12"})}))
    assert html == (
        '<option value="">— pilih —</option>'
        '<option value="32.12" selected>Indramayu</option>'
        '<option value="32.09">Cirebon &lt;&quot;kota&quot;&gt;</option>'
    )


def test_an_unbound_field_selects_its_initial_value():
    html = OPTIONS.render(Context({"form": Chooser(initial={"choice": "32.09"})}))
    assert '<option value="32.09" selected>' in html and " selected" not in html.split("32.09")[0]
