"""Photos uploaded in the background, before their form is sent (issue 13).

With JavaScript a photo goes up as soon as it is picked (static/js/uploads.js) and
is kept as a `PendingUpload`; the form then sends only its text and the ids of its
pending uploads (`uploads`). A pending upload belongs to its owner: a signed-in user,
or else the browser holding a random key in an HttpOnly cookie, so ids alone are
worth nothing to anyone else. Unused uploads expire after `PENDING_HOURS` and
`purge_pending_uploads` deletes them.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .images import MultiplePhotoField, ProcessedPhoto
from .models import PendingUpload
from .services import store_photos

PENDING_HOURS = 6
UPLOAD_KEY_BYTES = 24
UPLOAD_COOKIE = "krk_uploads"
UPLOADS_FIELD = "uploads"


def upload_cookie_name() -> str:
    # __Secure-: over HTTPS browsers accept it only with Secure (no plain-HTTP planting).
    return f"__Secure-{UPLOAD_COOKIE}" if settings.SESSION_COOKIE_SECURE else UPLOAD_COOKIE


def upload_owner(request: HttpRequest) -> str:
    """Who owns the pending uploads of this request: the signed-in user, or the browser's
    upload key (hashed: the key itself is never stored); "" for a visitor without one."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    key = request.COOKIES.get(upload_cookie_name(), "")
    return key_owner(key) if len(key) >= UPLOAD_KEY_BYTES else ""


def new_upload_key() -> str:
    return secrets.token_urlsafe(UPLOAD_KEY_BYTES)


def key_owner(key: str) -> str:
    return "key:" + hashlib.sha256(key.encode()).hexdigest()


def remember_upload_key(response: HttpResponse, key: str) -> None:
    """Give the browser its new upload key (HttpOnly: no script ever reads it)."""
    response.set_cookie(
        upload_cookie_name(),
        key,
        max_age=PENDING_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def pending_upload_create(*, owner: str, photo: ProcessedPhoto) -> PendingUpload:
    """Store one re-encoded photo for `owner`, usable for `PENDING_HOURS`."""
    expires_at = timezone.now() + datetime.timedelta(hours=PENDING_HOURS)
    (upload,) = store_photos(PendingUpload, [photo], owner=owner, expires_at=expires_at)
    return upload


def pending_uploads_of(owner: str, ids: Iterable[str]) -> list[PendingUpload]:
    """The unexpired uploads of `owner` among `ids`, in the order given; others are left out."""
    wanted = []
    for value in ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    if not owner or not wanted:
        return []
    found = PendingUpload.objects.filter(owner=owner, pk__in=wanted, expires_at__gt=timezone.now()).in_bulk()
    return [found[pk] for pk in dict.fromkeys(wanted) if pk in found]


def as_processed(upload: PendingUpload) -> ProcessedPhoto:
    """A pending upload as a photo to store on its record (already re-encoded on arrival)."""
    token = secrets.token_hex(16)
    with upload.image.open("rb") as image, upload.thumbnail.open("rb") as thumbnail:
        return ProcessedPhoto(
            image=ContentFile(image.read(), name=f"{token}.jpg"),
            thumbnail=ContentFile(thumbnail.read(), name=f"{token}_t.jpg"),
            width=upload.width,
            height=upload.height,
        )


def pending_uploads_used(uploads: Sequence[PendingUpload]) -> None:
    """Delete uploads now stored on their record (the files once the rows are gone)."""
    for upload in uploads:
        upload.delete()
        transaction.on_commit(upload.delete_files)


def purge_pending_uploads(*, now: datetime.datetime | None = None) -> int:
    """Delete every expired pending upload and its files; returns how many."""
    expired = list(PendingUpload.objects.filter(expires_at__lte=now or timezone.now()))
    for upload in expired:
        upload.delete()
        upload.delete_files()
    return len(expired)


# The mixin is for forms: to the type checker it is one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class PendingPhotosMixin(_FormBase):
    """For a form with a MultiplePhotoField `photos`: adds the owner's pending uploads named
    in `uploads` to the cleaned photos, within the same limit.

    `pending_uploads` are also shown again (thumbnails with a remove button) when the
    form comes back with an error, so nothing is picked twice.
    """

    def __init__(self, *args: Any, upload_owner: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_owner = upload_owner
        self.fields["photos"].widget.attrs.update(
            {
                "data-krk-upload-url": reverse("pending_upload_create"),
                "data-krk-upload-failed": _("The photo could not be sent. Check the connection and try again."),
                "data-krk-upload-retry": _("Try again"),
                "data-krk-upload-later": _("No connection: the photo is kept on this phone."),
                "data-krk-upload-remove": _("Remove"),
            }
        )

    @cached_property
    def pending_uploads(self) -> list[PendingUpload]:
        if not self.is_bound:
            return []
        return pending_uploads_of(self.upload_owner, self._named_uploads())

    def _named_uploads(self) -> list[str]:
        data = cast(QueryDict, self.data)  # a bound form's POST
        return [value for value in data.getlist(UPLOADS_FIELD) if value]

    def clean_photos(self) -> list[ProcessedPhoto]:
        photos: list[ProcessedPhoto] = self.cleaned_data["photos"]
        named = self._named_uploads()
        if len(self.pending_uploads) < len(named):
            raise forms.ValidationError(
                _("Some photos sent earlier have expired or are not yours: please choose them again."),
                code="expired",
            )
        field = cast(MultiplePhotoField, self.fields["photos"])
        if len(photos) + len(self.pending_uploads) > field.max_files:
            raise forms.ValidationError(
                field.error_messages["too_many_files"], code="too_many_files", params={"max_files": field.max_files}
            )
        return photos + [as_processed(upload) for upload in self.pending_uploads]
