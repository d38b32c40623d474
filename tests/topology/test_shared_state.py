"""Two app servers behave as one portal: sessions, CSRF, messages, the sign-in lockout,
rate limits, an admin's change and uploaded photos hold whichever server answers.

"Via A" and "via B" go straight to one app server (as nginx would, with its headers);
"via nginx" goes through the proxy, which spreads requests over both.
"""

from __future__ import annotations

import re

import pytest

from aspirations.models import Category
from patrols.models import Patrol
from tests.conftest import PASSWORD
from tests.factories import AspirationFactory, category
from tests.photos import jpeg_bytes
from units.models import Kecamatan

from .client import Visitor, form_fields
from .forms import patrol_form

# One topology per test session: every test that uses it on the same xdist worker.
pytestmark = [pytest.mark.xdist_group("topology"), pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class TestSessions:
    def test_a_sign_in_on_a_is_valid_on_b_and_a_message_set_on_a_shows_on_b(self, topology, bhabin):
        officer = Visitor(topology)
        assert officer.sign_in("bhabin.test", PASSWORD, via="A").status == 302
        assert officer.get("/petugas/", via="B").status == 200  # not sent back to /masuk/

        # CSRF token from B's form, POST to A, the success message read on B.
        fields = patrol_form(officer, via="B")
        answer = officer.post("/patroli/catat/", fields, via="A")
        assert answer.status == 302, answer.text[:2000]
        detail = officer.get(answer.headers["Location"], via="B")
        assert "Patroli tersimpan" in detail.text
        assert Patrol.objects.filter(created_by=bhabin).count() == 1

    def test_signing_out_on_b_ends_the_session_on_a(self, topology, bhabin):
        officer = Visitor(topology)
        officer.sign_in("bhabin.test", PASSWORD, via="A")
        token = form_fields(officer.get("/petugas/", via="A").text, "csrfmiddlewaretoken")["csrfmiddlewaretoken"]
        assert officer.post("/keluar/", {"csrfmiddlewaretoken": token}, via="B").status == 302
        assert officer.get("/petugas/", via="A").status == 302


class TestLockout:
    def test_five_failures_spread_over_a_b_and_nginx_lock_as_five(self, topology, bhabin):
        guesser = Visitor(topology, source="127.0.0.5")
        for via in ["A", "B", "A", "B"]:
            assert guesser.sign_in("bhabin.test", "wrong-password-123", via=via).status == 200
        # Four failures: the right password still works (and resets the count).
        assert guesser.sign_in("bhabin.test", PASSWORD, via="nginx").status == 302

        guesser = Visitor(topology, source="127.0.0.5")
        for via in ["A", "B", "nginx", "A", "B"]:
            guesser.sign_in("bhabin.test", "wrong-password-123", via=via)
        for via in ["A", "B", "nginx"]:
            assert guesser.sign_in("bhabin.test", PASSWORD, via=via).status == 429
        # The owner, from another address, is not locked out.
        assert Visitor(topology, source="127.0.0.6").sign_in("bhabin.test", PASSWORD, via="nginx").status == 302


class TestRateLimit:
    def test_the_status_look_up_limit_counts_hits_on_both_servers(self, topology, settings):
        ticket = AspirationFactory()
        visitor = Visitor(topology, source="127.0.0.7")
        token = visitor.get("/aspirasi/status/", via="A").hidden("csrfmiddlewaretoken")
        limit = 30  # KRK_RATELIMIT_STATUS_PER_10MIN's default
        route = ["A", "B", "nginx"] * (limit // 3)
        for via in route:
            answer = visitor.post("/aspirasi/status/", {"csrfmiddlewaretoken": token, "kode": ticket.code}, via=via)
            assert answer.status in (200, 302)
        for via in ["A", "B", "nginx"]:
            answer = visitor.post("/aspirasi/status/", {"csrfmiddlewaretoken": token, "kode": ticket.code}, via=via)
            assert answer.status == 429
            assert "Retry-After" in answer.headers
        # Another address is not affected.
        other = Visitor(topology, source="127.0.0.8")
        token = other.get("/aspirasi/status/").hidden("csrfmiddlewaretoken")
        assert other.post("/aspirasi/status/", {"csrfmiddlewaretoken": token, "kode": ticket.code}).status != 429


class TestAdminChanges:
    def test_a_new_village_and_a_renamed_category_show_on_the_other_server_at_once(self, topology, superuser):
        resident = Visitor(topology)
        # B reads (and keeps, in the shared cache) the public form's lists first.
        form = resident.get("/aspirasi/kirim/", via="B").text
        assert "Sukamaju Baru" not in form

        admin = Visitor(topology)
        assert admin.sign_in("root.test", PASSWORD, via="A").status == 302
        add = form_fields(admin.get("/admin/patrols/village/add/", via="A").text, "code")
        add |= {"code": "32.12.09.2099", "name": "Sukamaju Baru", "visit_target_days": "14"}
        add["kecamatan"] = str(Kecamatan.objects.get(code="32.12.09").pk)
        assert admin.post("/admin/patrols/village/add/", add, via="A").status == 302

        renamed = category()
        path = f"/admin/aspirations/category/{renamed.pk}/change/"
        change = form_fields(admin.get(path, via="A").text, "name") | {"name": "Keamanan Lingkungan RT/RW"}
        assert admin.post(path, change, via="A").status == 302
        assert Category.objects.get(pk=renamed.pk).name == "Keamanan Lingkungan RT/RW"

        form = resident.get("/aspirasi/kirim/", via="B").text
        assert "Sukamaju Baru" in form
        assert "Keamanan Lingkungan RT/RW" in form


class TestPhotos:
    def test_a_photo_uploaded_through_a_is_shown_through_b(self, topology, bhabin):
        officer = Visitor(topology)
        officer.sign_in("bhabin.test", PASSWORD, via="A")
        fields = patrol_form(officer, via="A")
        photo = jpeg_bytes(width=800, height=600)
        answer = officer.post("/patroli/catat/", fields, via="A", files={"photos": ("sambang.jpg", photo)})
        assert answer.status == 302, answer.text[:2000]
        detail = officer.get(answer.headers["Location"], via="B").text
        sources = re.findall(r'src="(/patroli/foto/\d+/(?:kecil/)?)"', detail)
        assert sources, "the patrol page shows no photo"
        for source in set(sources):
            image = officer.get(source, via="B")
            assert image.status == 200
            assert image.headers["Content-Type"] == "image/jpeg"
            assert image.body[:2] == b"\xff\xd8"
        # Nobody else sees it, on either server.
        assert Visitor(topology).get(sources[0], via="B").status in (302, 404)
