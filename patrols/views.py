"""Patrol pages: thin views that scope, authorise, call a service and render or redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import exports as writer
from core.idempotency import key_from
from core.images import photo_response
from core.lists import filtered_list
from core.offline import keep_offline
from core.security import permissions_policy
from core.uploads import pending_uploads_used, upload_owner
from exports.services import export_job_start
from exports.views import export_format, export_start_page

from . import exports
from .access import OfficerRequest, get_patrol_for_user, get_patrol_photo_for_user, patrol_can_edit
from .filters import PatrolFilter
from .forms import NotificationSettingsForm, PatrolEditForm, PatrolForm
from .models import Patrol
from .selectors import patrol_logged_with_key
from .services import officer_set_notifications, patrol_log, patrol_update


def _list(request: OfficerRequest, queryset, *, title: str, mine: bool) -> HttpResponse:
    listing = filtered_list(request, PatrolFilter, queryset.for_list(), mine=mine)
    return listing.render(
        "patrols/patrol_list.html",
        {
            "title": title,
            "mine": mine,
            "can_log": request.user.has_perm("patrols.log_patrol"),
            "export_urls": None if mine else _export_urls(request),
        },
    )


def _export_urls(request: OfficerRequest) -> dict[str, str]:
    """The export links carry the list's filters (not its page)."""
    query = request.GET.copy()
    query.pop("page", None)
    urls = {}
    for file_format in writer.FORMATS:
        query["format"] = file_format
        urls[file_format] = f"{reverse('patrols:patrol_export')}?{query.urlencode()}"
    return urls


@never_cache
@login_required
@require_safe
@permission_required("patrols.view_patrol", raise_exception=True)
def patrol_list(request: OfficerRequest) -> HttpResponse:
    """Patroli: every patrol the user may see, newest first, filterable (constant queries)."""
    return _list(request, Patrol.objects.visible_to(request.user), title=_("Patrols"), mine=False)


@never_cache
@login_required
@require_safe
@permission_required("patrols.view_patrol", raise_exception=True)
def my_patrols(request: OfficerRequest) -> HttpResponse:
    """Patroli Saya: the patrols the user led, joined or logged."""
    return _list(request, Patrol.objects.involving(request.user), title=_("My Patrols"), mine=True)


@never_cache
@login_required
@require_safe
@permission_required("patrols.view_patrol", raise_exception=True)
def patrol_export(request: OfficerRequest) -> HttpResponseBase:
    """Ekspor: the patrols the list shows with the same filters, as Excel or CSV (constant queries)."""
    file_format = export_format(request.GET)
    patrol_filter = PatrolFilter(request.GET, queryset=Patrol.objects.visible_to(request.user), request=request)
    queryset = patrol_filter.qs
    if writer.too_many(queryset):
        messages.error(
            request,
            _("More than %(count)s patrols match: narrow the filter (for example the dates) and export again.")
            % {"count": intcomma(writer.MAX_ROWS)},
        )
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('patrols:patrol_list')}?{query.urlencode()}")
    if writer.too_big_for_a_request(queryset):
        return export_start_page(
            request,
            action=f"{reverse('patrols:patrol_export_start')}?{request.GET.urlencode()}",
            back=reverse("patrols:patrol_list"),
            file_format=file_format,
        )
    return writer.export_response(file_format, exports.patrol_export(queryset))


@login_required
@require_POST
@permission_required("patrols.view_patrol", raise_exception=True)
def patrol_export_start(request: OfficerRequest) -> HttpResponse:
    """Start a background export of the list's filters (GET) in the format asked (POST)."""
    query = request.GET.copy()
    query.pop("format", None)
    job = export_job_start(
        owner=request.user, source="patrols", query=query.urlencode(), file_format=export_format(request.POST)
    )
    return redirect(job.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("patrols.log_patrol", raise_exception=True)
@permissions_policy(geolocation=["self"])  # the "Use my location" button
def patrol_create(request: OfficerRequest) -> HttpResponse:
    """Catat Patroli.

    A POST whose idempotency key the officer already logged a patrol with (a retry
    after a lost answer, an outbox sending again) gets that patrol before the form
    is read: nothing is stored twice and no photo is re-encoded.
    """
    form = PatrolForm(
        request.POST or None, request.FILES or None, user=request.user, upload_owner=upload_owner(request)
    )
    if request.method == "POST":
        patrol = patrol_logged_with_key(key_from(request.POST), author=request.user)
        if patrol is None and form.is_valid():
            try:
                patrol = patrol_log(author=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                pending_uploads_used(form.pending_uploads)
        if patrol is not None:
            messages.success(request, _("Patrol saved. Thank you."))
            return redirect(patrol)
    response = render(request, "patrols/patrol_form.html", {"form": form, "patrol": None})
    return keep_offline(response, request) if request.method == "GET" else response


@login_required
@require_safe
@permission_required("patrols.log_patrol", raise_exception=True)
def outbox(request: OfficerRequest) -> HttpResponse:
    """Kotak Keluar: the patrols logged with no signal, listed from this phone (outbox.js)."""
    return keep_offline(render(request, "patrols/outbox.html"), request)


@never_cache
@login_required
@require_safe
def patrol_detail(request: OfficerRequest, pk: int) -> HttpResponse:
    patrol = get_patrol_for_user(request.user, pk, detail=True)
    return render(
        request,
        "patrols/patrol_detail.html",
        {
            "patrol": patrol,
            "members": list(patrol.members.all()),
            "topics": list(patrol.topics.all()),
            "photos": list(patrol.photos.all()),
            "edits": list(patrol.edits.all()),
            "can_edit": patrol_can_edit(request.user, patrol),
            "edit_deadline": None if request.user.has_perm("patrols.change_any_patrol") else patrol.edit_deadline,
            # A lone point needs a background to mean anything: a map only with the
            # deployment's own tile server (KRK_TILE_URL); else the coordinates and map links.
            "map_tile_url": settings.KRK_TILE_URL if patrol.has_location else "",
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permissions_policy(geolocation=["self"])
def patrol_edit(request: OfficerRequest, pk: int) -> HttpResponse:
    patrol = get_patrol_for_user(request.user, pk, write=True)
    form = PatrolEditForm(
        request.POST or None,
        request.FILES or None,
        instance=patrol,
        user=request.user,
        upload_owner=upload_owner(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            edit = patrol_update(patrol=patrol, editor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            pending_uploads_used(form.pending_uploads)
            if edit is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Patrol updated."))
            return redirect("patrols:patrol_detail", pk=patrol.pk)
    return render(request, "patrols/patrol_form.html", {"form": form, "patrol": patrol})


@never_cache
@login_required
@require_safe
def patrol_photo(request: OfficerRequest, pk: int, thumbnail: bool = False) -> FileResponse:
    """A patrol photo, only for people who may see the patrol (404 for everyone else)."""
    photo = get_patrol_photo_for_user(request.user, pk)
    stored = photo.thumbnail if thumbnail else photo.image
    return photo_response(stored, download_name=photo.download_name(thumbnail=thumbnail))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: OfficerRequest) -> HttpResponse:
    """Pemberitahuan: the signed-in officer's own opt-in to assignment notices on WhatsApp."""
    officer = request.user
    initial = {"phone": officer.phone, "notify_whatsapp": officer.notify_whatsapp}
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if form.is_valid():
        officer_set_notifications(officer=officer, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("patrols:notification_settings")
    return render(request, "patrols/notification_settings.html", {"form": form})
