from django.urls import path

from . import views

app_name = "aspirations"

urlpatterns = [
    path("kirim/", views.submit, name="submit"),
    path("terkirim/", views.submitted, name="submitted"),
    path("status/", views.status, name="status"),
]
