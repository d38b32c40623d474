from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    """Police units (Polda → Polres → Polsek) and the kecamatan each Polsek covers.

    Sits just above `core` (tests/portal/test_layers.py): every app that owns a unit's
    rows (exports, audit, patrols, aspirations) points at `units.Unit`, and this app
    names none of them, not even the user model.
    """

    name = "units"
    verbose_name = _("Police units")
