from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail: who signed in, revealed an identity, exported or changed records.

    Builds on `core` only; `patrols` and `aspirations` call
    `audit.services.audit_record`.
    """

    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import receivers

        # Signals, although STYLE.md keeps domain flow out of them: sign-in, sign-out
        # and failed sign-in happen inside django.contrib.auth (LoginView, LogoutView,
        # the admin's login, authenticate()), and these three signals are the only hook
        # Django offers for them.
        user_logged_in.connect(receivers.record_sign_in, dispatch_uid="audit.sign_in")
        user_logged_out.connect(receivers.record_sign_out, dispatch_uid="audit.sign_out")
        user_login_failed.connect(receivers.record_sign_in_failed, dispatch_uid="audit.sign_in_failed")
