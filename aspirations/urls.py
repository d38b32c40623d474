from django.urls import path

from . import export_views, staff_views, views, webhooks
from .workflow import Action

app_name = "aspirations"

urlpatterns = [
    # Public: residents, no account.
    path("kirim/", views.submit, name="submit"),
    path("desa/<str:code>/", views.villages, name="villages"),
    path("terkirim/", views.submitted, name="submitted"),
    path("status/", views.status, name="status"),
    path("status/tautan/<str:token>/", views.status_link, name="status_link"),
    # Delivery receipts from the providers (signed; no session).
    path("webhook/whatsapp/", webhooks.whatsapp_webhook, name="webhook_whatsapp"),
    path("webhook/sms/", webhooks.sms_webhook, name="webhook_sms"),
    # Staff.
    path("staf/", staff_views.inbox, name="inbox"),
    path("staf/ekspor/", export_views.inbox_export, name="inbox_export"),
    path("staf/ekspor/mulai/", export_views.inbox_export_start, name="inbox_export_start"),
    path("saya/", staff_views.my_aspirations, name="mine"),
    path("staf/catat/", staff_views.record, name="record"),
    path("staf/patroli/<int:patrol_pk>/catat/", staff_views.record_on_patrol, name="record_on_patrol"),
    path("staf/<int:pk>/", staff_views.detail, name="detail"),
    path("staf/<int:pk>/slip/", staff_views.slip, name="slip"),
    path("staf/<int:pk>/verifikasi/", staff_views.act, {"action": Action.VERIFY}, name="verify"),
    path("staf/<int:pk>/tolak/", staff_views.act, {"action": Action.REJECT}, name="reject"),
    path("staf/<int:pk>/disposisi/", staff_views.act, {"action": Action.ASSIGN}, name="assign"),
    path("staf/<int:pk>/tanggapi/", staff_views.act, {"action": Action.REPLY}, name="reply"),
    path("staf/<int:pk>/catatan/", staff_views.act, {"action": Action.NOTE}, name="note"),
    path("staf/<int:pk>/selesaikan/", staff_views.act, {"action": Action.RESOLVE}, name="resolve"),
    path("staf/<int:pk>/buka-kembali/", staff_views.act, {"action": Action.REOPEN}, name="reopen"),
    path("staf/<int:pk>/identitas/", staff_views.reveal_identity, name="reveal_identity"),
    path("staf/foto/<int:pk>/", staff_views.photo, name="photo"),
    path("staf/foto/<int:pk>/kecil/", staff_views.photo, {"thumbnail": True}, name="photo_thumbnail"),
]
