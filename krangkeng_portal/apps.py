from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Cross-app pages (home, directory, health) and the demo-data command."""

    name = "krangkeng_portal"
    verbose_name = "Krangkeng Portal"
