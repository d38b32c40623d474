from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: photos, exports, pagination, roles, client address, error pages, dates, sessions.

    Imports no other app of the portal (tests/portal/test_layers.py): `audit`,
    `patrols`, `aspirations` and the pages in `krangkeng_portal` build on it.
    """

    name = "core"
    release = ""  # set by ready(): core.release.current()
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import release
        from .session_lifetime import stamp_sign_in

        # The digest of the files this process imports, before a deployment replaces them.
        self.release = release.digest()

        # Sign-in has no hook but this signal: the absolute session lifetime starts here.
        user_logged_in.connect(stamp_sign_in, dispatch_uid="core.stamp_sign_in")
