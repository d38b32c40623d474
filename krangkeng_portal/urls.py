from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from . import offline, uploads, views

urlpatterns = [
    path("", views.home, name="home"),
    path("direktori/", views.directory, name="directory"),
    path("polres/<slug:code>/", views.polres, name="polres"),
    path("polsek/<slug:code>/", views.polsek, name="polsek"),
    path("aspirasi/", include("aspirations.urls")),
    path("patroli/", include("patrols.urls")),
    path("dasbor/", include("krangkeng_portal.dashboard.urls")),
    path("open311/", include("open311.urls")),
    path("unggah/", uploads.upload_create, name="pending_upload_create"),
    path("unggah/<uuid:pk>/", uploads.upload_thumbnail, name="pending_upload_thumbnail"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("healthz", views.healthz, name="healthz"),
    path("petugas/", views.staff_home, name="staff_home"),
    path("masuk/", views.SignInView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("akun/sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("bahasa/", set_language, name="set_language"),
    path("audit/", include("audit.urls")),
    path("ekspor/", include("exports.urls")),
    path("admin/", admin.site.urls),
]

# Error pages render without context processors (templates/error_base.html); the
# 500 page shows an incident id that is also written to the log.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
