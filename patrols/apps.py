from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = _("Patrols and officers")

    def ready(self) -> None:
        from exports.sources import register

        from . import accounts, exports, signals

        signals.connect()
        accounts.connect()
        register("patrols", exports.patrol_export_for)
