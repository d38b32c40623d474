from django.conf import settings
from django.http import HttpRequest

from . import navigation


def portal(request: HttpRequest) -> dict:
    match = request.resolver_match
    bar = navigation.bar(request.user, match.view_name if match else None)
    return {
        "unit_name": settings.KRK_UNIT_NAME,
        "parent_unit_name": settings.KRK_PARENT_UNIT_NAME,
        "nav_public": bar.public,
        "nav_staff": bar.staff,
        "nav_account": bar.account,
        "nav_key": bar.key,
    }
