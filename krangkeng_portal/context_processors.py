from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static

from . import navigation


def emblem_url(setting: str) -> str:
    """KRK_UNIT_EMBLEM: a same-site URL as it is, otherwise a static file."""
    return setting if setting.startswith("/") else static(setting)


def portal(request: HttpRequest) -> dict:
    user = request.user
    match = request.resolver_match
    current = match.view_name if match else None
    return {
        "unit_name": settings.KRK_UNIT_NAME,
        "parent_unit_name": settings.KRK_PARENT_UNIT_NAME,
        "unit_emblem_url": emblem_url(settings.KRK_UNIT_EMBLEM),
        "unit_address": settings.KRK_UNIT_ADDRESS,
        "unit_phone": settings.KRK_UNIT_PHONE,
        "whatsapp_channel_url": settings.KRK_WHATSAPP_CHANNEL_URL,
        "nav_public": navigation.items_for(user, navigation.PUBLIC_ITEMS, current),
        "nav_staff": navigation.items_for(user, navigation.STAFF_ITEMS, current),
        "nav_account": navigation.items_for(user, navigation.ACCOUNT_ITEMS, current),
        # The outbox of patrols logged offline (static/js/outbox.js), for those who log patrols.
        "outbox_officer": user.pk if user.has_perm("patrols.log_patrol") else None,
    }
