from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Cross-app pages (home, directory, health) and the demo-data command."""

    name = "krangkeng_portal"
    verbose_name = "Krangkeng Portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the system checks)
        from .session_lifetime import stamp_sign_in

        # Sign-in has no hook but this signal: the absolute session lifetime starts here.
        user_logged_in.connect(stamp_sign_in, dispatch_uid="krangkeng_portal.stamp_sign_in")
