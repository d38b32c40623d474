from django.conf import settings
from django.http import HttpRequest

from . import navigation


def portal(request: HttpRequest) -> dict:
    user = request.user
    return {
        "unit_name": settings.KRK_UNIT_NAME,
        "parent_unit_name": settings.KRK_PARENT_UNIT_NAME,
        "nav_public": navigation.items_for(user, navigation.PUBLIC_ITEMS),
        "nav_staff": navigation.items_for(user, navigation.STAFF_ITEMS),
        "nav_account": navigation.items_for(user, navigation.ACCOUNT_ITEMS),
    }
