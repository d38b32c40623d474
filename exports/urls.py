from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("<uuid:pk>/", views.export_job, name="job"),
    path("<uuid:pk>/unduh/", views.export_download, name="download"),
]
