from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    name = "aspirations"
    verbose_name = _("Residents' aspirations")

    def ready(self) -> None:
        from . import choices  # noqa: F401 (connects its receivers that drop the cached lists)
