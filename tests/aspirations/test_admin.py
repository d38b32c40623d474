"""The admin: categories are master data every unit shares; aspirations are read-only and hide identity."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aspirations import services
from aspirations.models import Notification, NotificationState
from tests.aspirations.builders import in_status
from tests.conftest import client_for
from tests.factories import AspirationFactory, category

pytestmark = pytest.mark.django_db


class TestAspirationAdmin:
    def test_lists_and_shows_without_the_reporter_identity(self, site_admin):
        aspiration = AspirationFactory(
            reporter_name="Wiranata Kusumawardhani",
            reporter_phone="081299887766",
            consent_given_at=timezone.now(),
            ip_hash="e" * 64,
        )
        client = client_for(site_admin)
        listing = client.get(reverse("admin:aspirations_aspiration_changelist"))
        assert listing.status_code == 200 and aspiration.code in listing.content.decode()
        detail = client.get(reverse("admin:aspirations_aspiration_change", args=[aspiration.pk]))
        html = detail.content.decode()
        assert detail.status_code == 200
        assert aspiration.code in html
        for secret in ("Wiranata", "081299887766", "e" * 64):
            assert secret not in html

    def test_nobody_edits_or_deletes_aspirations_here(self, site_admin):
        aspiration = AspirationFactory()
        client = client_for(site_admin)
        url = reverse("admin:aspirations_aspiration_change", args=[aspiration.pk])
        client.post(url, {"title": "diubah"})
        aspiration.refresh_from_db()
        assert aspiration.title != "diubah"
        assert client.get(reverse("admin:aspirations_aspiration_delete", args=[aspiration.pk])).status_code == 403


class TestCategoryAdmin:
    def test_admin_reads_categories(self, site_admin):  # only a superuser changes them (test_access_matrix)
        drugs = category("narkoba")
        client = client_for(site_admin)
        response = client.get(reverse("admin:aspirations_category_change", args=[drugs.pk]))
        assert response.status_code == 200


class TestNotificationAdmin:
    def failed(self, bhabin):
        aspiration = in_status(
            "ditindaklanjuti",
            officer=bhabin,
            reporter_phone="081299887766",
            consent_given_at=timezone.now(),
            notify_channel="whatsapp",
        )
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        notification = Notification.objects.get()
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.FAILED, attempts=5, error_type="HTTP 503"
        )
        return notification

    def test_failed_notifications_are_listed_with_their_error_and_no_address(self, site_admin, bhabin):
        notification = self.failed(bhabin)
        response = client_for(site_admin).get(
            reverse("admin:aspirations_notification_changelist"), {"state__exact": "failed"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert notification.aspiration.code in html and "HTTP 503" in html
        assert "081299887766" not in html and "6281299887766" not in html

    def test_the_retry_action_queues_them_again(self, site_admin, bhabin):
        notification = self.failed(bhabin)
        DBTaskResult.objects.all().delete()
        response = client_for(site_admin).post(
            reverse("admin:aspirations_notification_changelist"),
            {"action": "retry", "_selected_action": [notification.pk]},
        )
        assert response.status_code == 302
        notification.refresh_from_db()
        assert (notification.state, notification.attempts) == (NotificationState.QUEUED, 0)
        assert DBTaskResult.objects.get().args_kwargs["args"] == [notification.pk]
