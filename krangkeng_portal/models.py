"""The portal's own permissions: the command pages span apps, so they belong to none of them.

`Report` has no table. It exists so that Django creates its permissions (with a
content type of this app), which the roles migration grants and the views test
with `user.has_perm("krangkeng_portal.view_dashboard")`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoRowsManager(models.Manager):
    """There is no table: any query answers "nothing" without asking the database (e.g. dumpdata)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().none()


class Report(models.Model):
    objects = NoRowsManager()

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("command report")
        verbose_name_plural = _("command reports")
        permissions = [
            ("view_dashboard", _("Can see the command dashboard")),
            ("view_recap", _("Can see and print the monthly recap")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
