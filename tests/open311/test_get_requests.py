"""GET requests and GET requests/{id}: what the public may read, and only that."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from aspirations.models import AspirationEvent, Category, EventKind, RejectionReason, Status
from aspirations.services import aspiration_reply
from tests.aspirations.builders import in_status
from tests.factories import AspirationFactory, category, village
from tests.open311 import shapes
from tests.open311.conftest import error_descriptions, json_of, post, url, xml_of
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Pak Darto di RT 03 yang menjual obat keras"
NOTE = "Catatan internal: pelaku diduga anak Pak Kuwu"
REPLY = "Kami sudah berkoordinasi dengan Babinsa; patroli malam ditambah."


@pytest.fixture
def identified(bhabin):
    """A report in follow-up from a resident who gave their identity, with a reply and an internal note."""
    aspiration = in_status(
        Status.DITINDAKLANJUTI,
        officer=bhabin,
        category=category("geng-motor-tawuran"),
        village=village("Tanjakan"),
        description=SECRET_TEXT,
        reporter_name="Siti Aminah",
        reporter_phone="081234567890",
        reporter_email="siti@contoh.id",
        consent_given_at=timezone.now(),
        latitude="-6.473812",
        longitude="108.501234",
        place="Gang Mawar no. 7",
    )
    aspiration_reply(aspiration=aspiration, actor=bhabin, body=REPLY)
    AspirationEvent.objects.create(aspiration=aspiration, kind=EventKind.INTERNAL_NOTE, body=NOTE, author=bhabin)
    aspiration.refresh_from_db()
    return aspiration


def requests_json(client, **params):
    response = client.get(url("requests", "json"), params)
    assert response.status_code == 200, response.content
    return json_of(response)


class TestList:
    def test_xml_has_the_specifications_shape(self, client, identified):
        root = xml_of(client.get(url("requests")))
        shapes.assert_shape(root, shapes.SERVICE_REQUESTS)
        request = root.find("request")
        assert request.findtext("service_request_id") == identified.public_id
        assert request.findtext("status") == "open"
        assert request.findtext("service_code") == "geng-motor-tawuran"
        assert request.findtext("service_name") == "Geng motor dan tawuran"
        assert request.findtext("agency_responsible") == "Polsek Krangkeng"
        assert request.findtext("zipcode") == "45284"

    def test_json_fields(self, client, identified):
        [row] = requests_json(client)
        assert list(row) == [
            "service_request_id",
            "status",
            "service_name",
            "service_code",
            "agency_responsible",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "zipcode",
            "lat",
            "long",
        ]
        assert row["requested_datetime"] == timezone.localtime(identified.submitted_at).isoformat(timespec="seconds")
        assert row["requested_datetime"].endswith("+07:00")
        assert row["expected_datetime"] is None  # replied to: nothing is due any more

    def test_expected_datetime_is_the_working_day_deadline(self, client):
        waiting = AspirationFactory()
        verified = in_status(Status.TERVERIFIKASI)
        rows = {row["service_request_id"]: row["expected_datetime"] for row in requests_json(client)}
        assert rows == {
            waiting.public_id: timezone.localtime(waiting.verification_due).isoformat(timespec="seconds"),
            verified.public_id: timezone.localtime(verified.followup_due).isoformat(timespec="seconds"),
        }

    def test_coordinates_are_the_village_centre_never_the_reporters_point(self, client, identified):
        [row] = requests_json(client)
        assert (row["lat"], row["long"]) == (-6.4737, 108.5015)  # Tanjakan's centre (DOMAIN.md)

    def test_no_personal_data_no_text_no_notes_no_ticket_code(self, client, identified):
        for fmt in ("xml", "json"):
            body = client.get(url("requests", fmt)).content.decode()
            for secret in (
                "Siti",
                "081234567890",
                "siti@contoh.id",
                SECRET_TEXT,
                NOTE,
                REPLY,
                identified.code,
                identified.title,
                "Gang Mawar",
                "6.473812",
                "108.501234",
            ):
                assert secret not in body, f"{fmt} shows {secret!r}"

    def test_closed_when_resolved_or_rejected(self, client, bhabin):
        in_status(Status.SELESAI, officer=bhabin)
        in_status(Status.DITOLAK, rejection_reason=RejectionReason.NOT_AUTHORITY)
        assert [row["status"] for row in requests_json(client)] == ["closed", "closed"]

    def test_a_closed_requests_updated_datetime_is_when_it_closed(self, client, bhabin):
        resolved = in_status(Status.SELESAI, officer=bhabin)
        [row] = requests_json(client)
        assert row["updated_datetime"] == timezone.localtime(resolved.resolved_at).isoformat(timespec="seconds")
        assert row["expected_datetime"] is None

    def test_outside_krangkeng_has_no_place(self, client):
        AspirationFactory(village=None)
        [row] = requests_json(client)
        assert (row["zipcode"], row["lat"], row["long"]) == (None, None, None)

    def test_newest_first(self, client):
        now = timezone.now()
        old = AspirationFactory(submitted_at=now - datetime.timedelta(days=2))
        new = AspirationFactory(submitted_at=now - datetime.timedelta(hours=1))
        assert [row["service_request_id"] for row in requests_json(client)] == [new.public_id, old.public_id]


class TestWhatIsNeverListed:
    def test_sensitive_categories(self, client):
        AspirationFactory(category=category("kdrt-perlindungan-anak"))
        AspirationFactory(category=category("narkoba"))
        assert requests_json(client) == []

    def test_a_category_the_admin_marks_sensitive(self, client):
        AspirationFactory(category=category("konflik-sosial"))
        assert len(requests_json(client)) == 1
        Category.objects.filter(slug="konflik-sosial").update(is_sensitive=True)
        assert requests_json(client) == []

    def test_suspected_spam_nobody_has_reviewed(self, client):
        AspirationFactory(is_spam_suspected=True, spam_signals="too_fast")
        assert requests_json(client) == []

    def test_suspected_spam_once_verified_is_listed(self, client):
        in_status(Status.TERVERIFIKASI, is_spam_suspected=True, spam_signals="too_fast")
        assert len(requests_json(client)) == 1

    def test_rejected_as_spam(self, client):
        in_status(Status.DITOLAK, rejection_reason=RejectionReason.SPAM)
        assert requests_json(client) == []


class TestFilters:
    def test_service_request_id_overrides_the_other_filters(self, client):
        old = AspirationFactory(submitted_at=timezone.now() - datetime.timedelta(days=200))
        AspirationFactory()
        rows = requests_json(client, service_request_id=f"{old.public_id}, nonexistent", status="closed")
        assert [row["service_request_id"] for row in rows] == [old.public_id]

    def test_ids_of_another_shape_match_nothing(self, client):
        AspirationFactory()
        assert requests_json(client, service_request_id="KRK-7Q4M-9XTP-J") == []

    def test_service_code_list(self, client):
        AspirationFactory(category=category("lalu-lintas"))
        AspirationFactory(category=category("bencana"))
        AspirationFactory(category=category("lainnya"))
        rows = requests_json(client, service_code="lalu-lintas,bencana")
        assert sorted(row["service_code"] for row in rows) == ["bencana", "lalu-lintas"]

    def test_status(self, client, bhabin):
        in_status(Status.SELESAI, officer=bhabin)
        AspirationFactory()
        assert [row["status"] for row in requests_json(client, status="open")] == ["open"]
        assert [row["status"] for row in requests_json(client, status="closed")] == ["closed"]
        assert len(requests_json(client, status="open,closed")) == 2

    def test_the_last_90_days_by_default(self, client):
        AspirationFactory(submitted_at=timezone.now() - datetime.timedelta(days=91))
        recent = AspirationFactory(submitted_at=timezone.now() - datetime.timedelta(days=89))
        assert [row["service_request_id"] for row in requests_json(client)] == [recent.public_id]

    def test_start_and_end_date(self, client):
        may = AspirationFactory(submitted_at=datetime.datetime(2024, 5, 20, 19, 30, tzinfo=datetime.UTC))
        AspirationFactory(submitted_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
        rows = requests_json(client, start_date="2024-05-01T00:00:00Z", end_date="2024-06-01T00:00:00+07:00")
        assert [row["service_request_id"] for row in rows] == [may.public_id]

    def test_dates_without_a_time_are_whole_wib_days(self, client):
        late = AspirationFactory(submitted_at=datetime.datetime(2024, 5, 31, 16, 0, tzinfo=datetime.UTC))  # 23:00 WIB
        rows = requests_json(client, start_date="2024-05-01", end_date="2024-05-31")
        assert [row["service_request_id"] for row in rows] == [late.public_id]

    def test_paging(self, client):
        now = timezone.now()
        made = [AspirationFactory(submitted_at=now - datetime.timedelta(minutes=n)) for n in range(5)]
        first = requests_json(client, page_size=2)
        third = requests_json(client, page_size=2, page=3)
        assert [row["service_request_id"] for row in first] == [made[0].public_id, made[1].public_id]
        assert [row["service_request_id"] for row in third] == [made[4].public_id]
        assert requests_json(client, page_size=2, page=4) == []

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, "end_date"),
            ({"start_date": "2024-05-01T00:00:00Z", "end_date": "2024-04-01T00:00:00Z"}, "end_date"),
            ({"start_date": "kemarin"}, "start_date"),
            ({"end_date": "2024-13-45"}, "end_date"),
            ({"status": "pending"}, "status"),
            ({"page": "0"}, "page"),
            ({"page_size": "1001"}, "page_size"),
            ({"page_size": "banyak"}, "page_size"),
        ],
    )
    def test_a_bad_parameter_is_a_400(self, client, params, parameter):
        for fmt in ("xml", "json"):
            response = client.get(url("requests", fmt), params)
            assert response.status_code == 400
            assert error_descriptions(response)[0].startswith(f"{parameter}: ")
        shapes.assert_shape(xml_of(client.get(url("requests"), params)), shapes.ERRORS)


class TestPublicationSwitches:
    def test_descriptions_when_the_unit_publishes_them(self, client, settings, identified):
        settings.KRK_OPEN311_PUBLISH_DESCRIPTIONS = True
        [row] = requests_json(client)
        assert row["description"] == SECRET_TEXT
        shapes.assert_shape(xml_of(client.get(url("requests"))), shapes.SERVICE_REQUESTS)

    def test_status_notes_when_the_unit_publishes_replies(self, client, settings, identified):
        settings.KRK_OPEN311_PUBLISH_STATUS_NOTES = True
        [row] = requests_json(client)
        assert row["status_notes"] == REPLY  # the latest public text, never the internal note
        assert "Last-Modified" not in client.get(url("requests"))  # a new reply leaves the row as it was
        shapes.assert_shape(xml_of(client.get(url("requests"))), shapes.SERVICE_REQUESTS)

    def test_status_notes_of_a_rejection(self, client, settings):
        settings.KRK_OPEN311_PUBLISH_STATUS_NOTES = True
        in_status(Status.DITOLAK, rejection_reason=RejectionReason.NOT_AUTHORITY, rejection_note="Ke SP4N-LAPOR!")
        [row] = requests_json(client)
        assert row["status_notes"] == "Ke SP4N-LAPOR!"

    def test_without_the_public_list_a_key_reads_only_its_own(self, settings, api_client, key_admin):
        from tests.open311.conftest import new_client

        settings.KRK_OPEN311_PUBLIC_LIST = False
        AspirationFactory()  # from the web form
        post(api_client.key)
        _other, other_key = new_client(key_admin, name="Sistem Kecamatan")
        mine = api_client.submissions.get().aspiration
        client = Client()
        for key in ("", "krk311_guess"):
            response = client.get(url("requests"), {"api_key": key})
            assert response.status_code == 403
            shapes.assert_shape(xml_of(response), shapes.ERRORS)
        assert [row["service_request_id"] for row in requests_json(client, api_key=api_client.key)] == [mine.public_id]
        by_header = client.get(url("requests", "json"), HTTP_X_API_KEY=api_client.key)
        assert by_header["Cache-Control"] == "private, no-cache"
        assert [row["service_request_id"] for row in json_of(by_header)] == [mine.public_id]
        assert requests_json(client, api_key=other_key) == []
        one = url("request", service_request_id=mine.public_id)
        assert client.get(one).status_code == 403
        assert client.get(one, HTTP_X_API_KEY=other_key).status_code == 404
        assert client.get(one, HTTP_X_API_KEY=api_client.key).status_code == 200


class TestConditionalGet:
    def test_etag_and_last_modified(self, client, identified):
        first = client.get(url("requests"))
        assert first["Cache-Control"] == "public, max-age=60"
        assert first["Last-Modified"]
        assert client.get(url("requests"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.get(url("requests"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    def test_a_change_gives_a_new_etag(self, client, identified, bhabin):
        first = client.get(url("requests"))
        AspirationFactory()
        assert client.get(url("requests"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


class TestQueryCount:
    @pytest.mark.parametrize("fmt", ["xml", "json"])
    def test_the_same_for_1_and_50_rows(self, client, settings, fmt):
        settings.KRK_OPEN311_PUBLISH_STATUS_NOTES = True
        AspirationFactory()
        with page_queries() as one:
            client.get(url("requests", fmt))
        for _ in range(49):
            AspirationFactory(village=village("Tanjakan"), category=category("lalu-lintas"))
        with page_queries() as fifty:
            response = client.get(url("requests", fmt))
        assert len(json_of(response) if fmt == "json" else xml_of(response)) == 50
        assert len(one) == len(fifty) == 1

    def test_with_a_key_one_more(self, client, settings, api_client):
        settings.KRK_OPEN311_PUBLIC_LIST = False
        with page_queries() as queries:
            client.get(url("requests"), HTTP_X_API_KEY=api_client.key)
        assert len(queries) == 2


class TestOne:
    def test_xml_and_json(self, client, identified):
        root = xml_of(client.get(url("request", service_request_id=identified.public_id)))
        shapes.assert_shape(root, shapes.SERVICE_REQUESTS)
        assert [request.findtext("service_request_id") for request in root] == [identified.public_id]
        [row] = json_of(client.get(url("request", "json", service_request_id=identified.public_id)))
        assert row["service_request_id"] == identified.public_id

    def test_the_id_is_read_in_any_case(self, client, identified):
        assert client.get(url("request", service_request_id=identified.public_id.upper())).status_code == 200

    def test_one_query_and_conditional_get(self, client, identified):
        with page_queries() as queries:
            first = client.get(url("request", service_request_id=identified.public_id))
        assert len(queries) == 1
        again = client.get(url("request", service_request_id=identified.public_id), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304

    @pytest.mark.parametrize("fmt", ["xml", "json"])
    def test_unknown_is_a_404(self, client, fmt):
        response = client.get(url("request", fmt, service_request_id="0000000000zz"))
        assert response.status_code == 404
        assert error_descriptions(response) == ["service_request_id: tidak ditemukan."]

    def test_a_ticket_code_is_not_an_id(self, client, identified):
        assert client.get(url("request", service_request_id=identified.code)).status_code == 404

    def test_a_sensitive_report_is_a_404(self, client):
        hidden = AspirationFactory(category=category("narkoba"))
        assert client.get(url("request", service_request_id=hidden.public_id)).status_code == 404

    def test_held_spam_is_a_404(self, client):
        held = AspirationFactory(is_spam_suspected=True)
        assert client.get(url("request", service_request_id=held.public_id)).status_code == 404

    def test_no_personal_data(self, client, identified):
        body = client.get(url("request", service_request_id=identified.public_id)).content.decode()
        for secret in ("Siti", "081234567890", SECRET_TEXT, NOTE, REPLY, identified.code, "6.473812"):
            assert secret not in body
