"""Staff pages: the inbox, Aspirasi Saya, the detail page and its actions, recording for residents.

Thin views: load through the access helper (404 for outsiders), ask `workflow`
what the user may do (403 otherwise), hand the form's values to a service,
redirect with a message (PRG). A workflow refusal because the status moved on
(someone else acted first) is a message, not an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.idempotency import key_from
from core.images import photo_response
from core.lists import filtered_list
from patrols.access import OfficerRequest, get_patrol_for_user
from patrols.models import Patrol

from . import notifications, selectors, services, workflow
from .access import get_aspiration_for_user, get_attachment_for_user, get_slip_for_user
from .export_views import export_links
from .filters import AWAITING_ME, BY_DEADLINE, AspirationFilter
from .models import OFFICER_ACTION_STATUSES, Aspiration, Status
from .staff_forms import (
    ActionForm,
    AssignForm,
    NoteForm,
    RejectForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
    StaffAspirationForm,
    VerifyForm,
)
from .workflow import Action, TransitionNotAllowed


@dataclass(frozen=True)
class Step:
    """One workflow step of the detail page: the form it shows, the service the form's
    values go to, and the message after success (formatted with the cleaned values)."""

    form: type[ActionForm]
    service: Callable[..., object]
    done: Promise


# The URLconf names each step's URL and passes its action; `act` takes the rest from here.
STEPS: dict[Action, Step] = {
    Action.VERIFY: Step(VerifyForm, services.aspiration_verify, gettext_lazy("Aspiration verified.")),
    Action.REJECT: Step(
        RejectForm,
        services.aspiration_reject,
        gettext_lazy("Aspiration rejected; the resident sees the reason on the status page."),
    ),
    Action.ASSIGN: Step(AssignForm, services.aspiration_assign, gettext_lazy("Aspiration assigned to %(officer)s.")),
    Action.REPLY: Step(ReplyForm, services.aspiration_reply, gettext_lazy("Reply published on the status page.")),
    Action.NOTE: Step(NoteForm, services.aspiration_note, gettext_lazy("Internal note saved.")),
    Action.RESOLVE: Step(ResolveForm, services.aspiration_resolve, gettext_lazy("Aspiration resolved.")),
    Action.REOPEN: Step(ReopenForm, services.aspiration_reopen, gettext_lazy("Aspiration reopened.")),
}


# --- lists -----------------------------------------------------------------------------------


def _list(request: OfficerRequest, queryset, *, title: str, mine: bool) -> HttpResponse:
    now = timezone.now()
    listing = filtered_list(
        request,
        AspirationFilter,
        queryset.for_list().order_by(*BY_DEADLINE),
        # Aspirasi Saya opens on what needs the officer's action ("All" is status=).
        defaults={"status": AWAITING_ME} if mine else None,
        mine=mine,
        now=now,
    )
    for aspiration in listing.page.rows:
        aspiration.is_overdue = aspiration.deadline is not None and aspiration.deadline < now
    # Only the open statuses have a number (selectors.open_status_counts); "All" and the
    # closed ones have none.
    counts = listing.filter.open_status_counts()
    current = request.GET.get("status", AWAITING_ME if mine else "")
    tabs: list[dict[str, object]] = [{"value": "", "label": _("All"), "count": None, "current": current == ""}]
    if mine:
        awaiting = sum(counts[status] for status in OFFICER_ACTION_STATUSES)
        tabs.insert(
            0,
            {"value": AWAITING_ME, "label": _("Needs my action"), "count": awaiting, "current": current == AWAITING_ME},
        )
    tabs += [
        {"value": value, "label": label, "count": counts.get(value), "current": current == value}
        for value, label in Status.choices
    ]
    return listing.render(
        "aspirations/staff/aspiration_list.html",
        {
            "title": title,
            "mine": mine,
            "tabs": tabs,
            "can_record": request.user.has_perm("aspirations.add_aspiration"),
            "export": None if mine else export_links(request),
        },
    )


@never_cache
@login_required
@require_safe
@permission_required("aspirations.view_all_aspirations", raise_exception=True)
def inbox(request: OfficerRequest) -> HttpResponse:
    """Aspirasi: every aspiration, nearest deadline first, filterable (constant queries)."""
    return _list(request, Aspiration.objects.visible_to(request.user), title=_("Aspirations"), mine=False)


@never_cache
@login_required
@require_safe
@permission_required("aspirations.handle_aspiration", raise_exception=True)
def my_aspirations(request: OfficerRequest) -> HttpResponse:
    """Aspirasi Saya: the aspirations assigned to the officer now."""
    mine = Aspiration.objects.filter(assigned_to_id=request.user.pk)
    return _list(request, mine, title=_("My Aspirations"), mine=True)


# --- the detail page and its workflow steps --------------------------------------------------


def _step_form(action: Action, request: OfficerRequest, aspiration: Aspiration, data=None) -> ActionForm:
    # The action is the prefix: several forms share the page without their fields' ids colliding.
    return STEPS[action].form(data, aspiration=aspiration, user=request.user, prefix=action)


def _render_detail(
    request: OfficerRequest,
    aspiration: Aspiration,
    *,
    bound: tuple[Action, ActionForm] | None = None,
    identity_revealed: bool = False,
) -> HttpResponse:
    user = request.user
    allowed = workflow.allowed_actions(user, aspiration)
    bound_action, bound_form = bound or (None, None)
    forms = {
        action: bound_form if action == bound_action else _step_form(action, request, aspiration)
        for action in Action
        if action in allowed
    }
    patrol_visible = bool(
        aspiration.patrol_id and Patrol.objects.visible_to(user).filter(pk=aspiration.patrol_id).exists()
    )
    context = {
        "aspiration": aspiration,
        "events": list(aspiration.events.all()),
        "photos": list(aspiration.attachments.all()),
        # Was the reporter reached? State per message; no address, no text. One query,
        # only for reporters who asked for messages.
        "reporter_messages": (
            list(aspiration.notifications.for_timeline().filter(officer=None)) if aspiration.notify_channel else []
        ),
        "deadlines": selectors.deadline_rows(aspiration),
        "forms": forms,
        "duplicates": selectors.possible_duplicates(aspiration) if Action.REJECT in allowed else [],
        "can_reveal": not aspiration.is_anonymous and user.has_perm("aspirations.view_reporter_identity"),
        "identity_revealed": identity_revealed,
        "whatsapp_url": selectors.whatsapp_url(aspiration.reporter_phone) if identity_revealed else "",
        "patrol_visible": patrol_visible,
        "back_url": reverse(
            "aspirations:inbox" if user.has_perm("aspirations.view_all_aspirations") else "aspirations:mine"
        ),
    }
    return render(request, "aspirations/staff/aspiration_detail.html", context)


@never_cache
@login_required
@require_safe
def detail(request: OfficerRequest, pk: int) -> HttpResponse:
    aspiration = get_aspiration_for_user(request.user, pk, detail=True)
    return _render_detail(request, aspiration)


@never_cache
@login_required
@require_POST
def act(request: OfficerRequest, pk: int, action: Action) -> HttpResponse:
    """One workflow step on the detail page: the URLconf passes its action, `STEPS` names
    its form, its service and its message."""
    aspiration = get_aspiration_for_user(request.user, pk, detail=True)
    if not workflow.may(request.user, aspiration, action):
        raise PermissionDenied
    step = STEPS[action]
    form = _step_form(action, request, aspiration, request.POST)
    if form.is_valid():
        try:
            step.service(aspiration=aspiration, actor=request.user, **form.service_kwargs())
        except TransitionNotAllowed as refusal:
            messages.error(request, refusal.message)
            return redirect(aspiration)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, step.done % form.cleaned_data)
            return redirect(aspiration)
    return _render_detail(request, aspiration, bound=(action, form))


@never_cache
@login_required
@require_POST
def reveal_identity(request: OfficerRequest, pk: int) -> HttpResponse:
    """Show the reporter's identity, once, to a holder of view_reporter_identity; every reveal is audited.

    The answer to the POST is the detail page with the identity on it (no redirect):
    reloading asks to send again, which records another reveal, and nothing keeps
    the identity visible on later visits.
    """
    aspiration = get_aspiration_for_user(request.user, pk, detail=True)
    if aspiration.is_anonymous:
        messages.info(request, _("This report is anonymous: there is no identity to show."))
        return redirect(aspiration)
    services.aspiration_reveal_identity(aspiration=aspiration, actor=request.user, request=request)
    return _render_detail(request, aspiration, identity_revealed=True)


@never_cache
@login_required
@require_safe
def photo(request: OfficerRequest, pk: int, thumbnail: bool = False) -> FileResponse:
    """A photo of an aspiration, only for people who may see the aspiration (404 for everyone else)."""
    attachment = get_attachment_for_user(request.user, pk)
    stored = attachment.thumbnail if thumbnail else attachment.image
    return photo_response(stored, download_name=attachment.download_name(thumbnail=thumbnail))


# --- recording for residents -----------------------------------------------------------------


def _recorded(request: OfficerRequest, form: StaffAspirationForm) -> Aspiration | None:
    """The aspiration this POST records, or None when the form has errors.

    A POST whose idempotency key the user already recorded with (a retry, a second
    tap) gets that first aspiration before the form is read: nothing is stored twice.
    """
    aspiration = selectors.aspiration_sent_with_key(key_from(request.POST), created_by=request.user)
    if aspiration is None and form.is_valid():
        aspiration = services.aspiration_record(actor=request.user, **form.record_kwargs())
    if aspiration is not None:
        messages.success(request, _("Aspiration recorded with ticket code %(code)s.") % {"code": aspiration.code})
    return aspiration


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("aspirations.add_aspiration", raise_exception=True)
def record(request: OfficerRequest) -> HttpResponse:
    """Catat Aspirasi Warga: an aspiration received by phone, WhatsApp or at the desk."""
    form = StaffAspirationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (aspiration := _recorded(request, form)) is not None:
        return redirect("aspirations:slip", pk=aspiration.pk)
    return render(request, "aspirations/staff/record.html", {"form": form, "patrol": None})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("aspirations.add_aspiration", raise_exception=True)
def record_on_patrol(request: OfficerRequest, patrol_pk: int) -> HttpResponse:
    """Aspirations heard on a patrol, one after another: after each save the form comes back empty,
    above it the codes recorded on this patrol so far, each with its slip to print."""
    patrol = get_patrol_for_user(request.user, patrol_pk)
    form = StaffAspirationForm(request.POST or None, request.FILES or None, patrol=patrol)
    if request.method == "POST" and _recorded(request, form) is not None:
        return redirect("aspirations:record_on_patrol", patrol_pk=patrol.pk)
    recorded = list(
        Aspiration.objects.filter(patrol=patrol, created_by_id=request.user.pk)
        .select_related("category")
        .only("pk", "code", "title", "submitted_at", "category__name", "category__name_en")
        .order_by("submitted_at", "pk")
    )
    return render(request, "aspirations/staff/record.html", {"form": form, "patrol": patrol, "recorded": recorded})


@never_cache
@login_required
@require_safe
def slip(request: OfficerRequest, pk: int) -> HttpResponse:
    """A receipt to print (A6) and hand to the resident: the code and where to check it, nothing personal."""
    aspiration = get_slip_for_user(request.user, pk)
    context = {
        "aspiration": aspiration,
        "status_page": notifications.absolute(reverse("aspirations:status")),
        "can_open": Aspiration.objects.visible_to(request.user).filter(pk=aspiration.pk).exists(),
    }
    return render(request, "aspirations/staff/slip.html", context)
