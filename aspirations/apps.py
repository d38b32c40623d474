from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    name = "aspirations"
    verbose_name = _("Residents' aspirations")

    def ready(self) -> None:
        from exports.sources import register

        # choices connects its receivers that drop the cached lists.
        from . import choices, exports  # noqa: F401

        register("aspirations", exports.aspiration_export_for)
        register("aspirations_identity", exports.aspiration_identity_export_for)
