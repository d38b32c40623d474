from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Cross-app pages (home, directory, health) and the demo-data command."""

    name = "krangkeng_portal"
    verbose_name = "Krangkeng Portal"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
