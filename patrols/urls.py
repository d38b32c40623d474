from django.urls import path

from . import views

app_name = "patrols"

urlpatterns = [
    path("", views.patrol_list, name="patrol_list"),
    path("catat/", views.patrol_create, name="patrol_create"),
    path("saya/", views.my_patrols, name="my_patrols"),
    path("kotak-keluar/", views.outbox, name="outbox"),
    path("ekspor/", views.patrol_export, name="patrol_export"),
    path("ekspor/mulai/", views.patrol_export_start, name="patrol_export_start"),
    path("pemberitahuan/", views.notification_settings, name="notification_settings"),
    path("<int:pk>/", views.patrol_detail, name="patrol_detail"),
    path("<int:pk>/ubah/", views.patrol_edit, name="patrol_edit"),
    path("foto/<int:pk>/", views.patrol_photo, name="photo"),
    path("foto/<int:pk>/kecil/", views.patrol_photo, {"thumbnail": True}, name="photo_thumbnail"),
]
