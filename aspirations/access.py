"""Who may see an aspiration on the staff pages: the one place views ask.

Everyone who may not see an aspiration gets 404 (an officer must not learn that
a ticket assigned to a colleague exists). What a viewer may *do* with it is
`workflow`'s business: seeing it but not being allowed an action is a 403.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from .models import Aspiration, Attachment


def get_aspiration_for_user(user, pk: int, *, detail: bool = False) -> Aspiration:
    """The aspiration `pk` if `user` may see it (one query, plus the prefetches with detail=True), else 404."""
    queryset = Aspiration.objects.visible_to(user)
    if detail:
        queryset = queryset.for_detail()
    aspiration = queryset.filter(pk=pk).first()
    if aspiration is None:
        raise Http404
    return aspiration


def get_attachment_for_user(user, pk: int) -> Attachment:
    """A photo of an aspiration `user` may see (one query), else 404."""
    visible = Aspiration.objects.visible_to(user).values("pk")
    attachment = Attachment.objects.filter(pk=pk, aspiration__in=visible).first()
    if attachment is None:
        raise Http404
    return attachment


def get_slip_for_user(user, pk: int) -> Aspiration:
    """The aspiration for its printed receipt: whoever may see it, and the staff member who recorded it.

    An officer who wrote down a resident's aspiration on a patrol prints the slip
    for them, though the aspiration is not (yet) assigned to that officer.
    """
    if not (user.is_authenticated and user.is_active):
        raise Http404
    visible = Aspiration.objects.visible_to(user).values("pk")
    aspiration = (
        Aspiration.objects.filter(Q(pk__in=visible) | Q(created_by_id=user.pk), pk=pk)
        .select_related("category", "village")
        .first()
    )
    if aspiration is None:
        raise Http404
    return aspiration
