"""API keys in the admin: created per client organisation, shown once, revoked with a button.

Adding a client goes through `services.api_client_create` and answers with a page
that shows the new key once (never cached); only its digest is stored, so it can
never be shown again. A client is revoked, never deleted: its reports keep
naming it.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from patrols.models import Officer
from units.admin import ScopedChoicesAdmin
from units.selectors import deployment_units

from . import services
from .models import ApiClient


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "contact", "unit", "rate_limit_per_hour"]


@admin.register(ApiClient)
class ApiClientAdmin(ScopedChoicesAdmin):
    """A unit's admin lists, issues and revokes the keys of their own subtree only: the list and
    every lookup go through the unit scope, and the unit field offers their subtree's units."""

    form = ApiClientForm
    list_display = ["name", "key_prefix", "unit", "rate_limit_per_hour", "last_used_at", "revoked_at"]
    list_select_related = ["unit"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact", "key_prefix"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The unit: of the user's subtree (ScopedChoices) and of this deployment (a superuser
        sees every unit in the database)."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit":
            field.queryset = field.queryset & deployment_units()
        return field

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        return False

    def get_urls(self):
        revoke = self.admin_site.admin_view(self.revoke_view)
        return [path("<int:pk>/revoke/", revoke, name="open311_apiclient_revoke"), *super().get_urls()]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        if request.method != "POST":
            return super().add_view(request, form_url, extra_context)
        if not self.has_add_permission(request):
            raise PermissionDenied
        # The admin's own form class: its unit field offers the user's subtree only.
        form = self.get_form(request)(request.POST)
        if not form.is_valid():
            return super().add_view(request, form_url, extra_context)
        actor = cast(Officer, request.user)  # the admin site lets only staff in
        client, key = services.api_client_create(actor=actor, request=request, **form.cleaned_data)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "client": client, "key": key}
        response = TemplateResponse(request, "admin/open311/apiclient/key_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET asks to confirm; POST revokes (the key stops working at once)."""
        client = get_object_or_404(ApiClient, pk=pk)
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        change_url = reverse("admin:open311_apiclient_change", args=[client.pk])
        if request.method == "POST":
            services.api_client_revoke(actor=cast(Officer, request.user), client=client, request=request)
            messages.success(request, _("The key of %(name)s no longer works.") % {"name": client.name})
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "client": client,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/open311/apiclient/revoke.html", context)
