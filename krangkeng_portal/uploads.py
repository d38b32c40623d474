"""Background photo uploads (core.uploads): the endpoint static/js/uploads.js posts a
picked photo to, and the thumbnail of a pending upload, shown to its owner only."""

from __future__ import annotations

import uuid

from django import forms
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from aspirations import ratelimit
from core.images import MultiplePhotoField, photo_response
from core.uploads import (
    key_owner,
    new_upload_key,
    pending_upload_create,
    pending_uploads_of,
    remember_upload_key,
    upload_owner,
)


class PhotoUploadForm(forms.Form):
    photo = MultiplePhotoField(max_files=1)


@require_POST
def upload_create(request: HttpRequest) -> JsonResponse:
    """Store one picked photo as a pending upload (the same pipeline and limits as a form's
    photos); answers its id and thumbnail URL, or the field's message."""
    if not ratelimit.hit(request, "photo_upload"):
        message = _("You have sent too many requests in a short time. Please wait a moment and try again.")
        return JsonResponse({"error": message}, status=429)
    form = PhotoUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(str(message) for message in form.errors["photo"])}, status=400)
    owner, new_key = upload_owner(request), ""
    if not owner:
        new_key = new_upload_key()
        owner = key_owner(new_key)
    (photo,) = form.cleaned_data["photo"]
    upload = pending_upload_create(owner=owner, photo=photo)
    response = JsonResponse(
        {"id": str(upload.pk), "thumbnail": reverse("pending_upload_thumbnail", args=[upload.pk])}, status=201
    )
    if new_key:
        remember_upload_key(response, new_key)
    return response


@require_safe
def upload_thumbnail(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    """The thumbnail of a pending upload: 404 for anyone but its owner."""
    uploads = pending_uploads_of(upload_owner(request), [str(pk)])
    if not uploads:
        raise Http404
    return photo_response(uploads[0].thumbnail, download_name=f"{pk}.jpg")
