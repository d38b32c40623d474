"""Sampaikan Aspirasi sent again: the idempotency key and the one-time "form shown at" token."""

import re
import threading
import time
import uuid

import pytest
from django.core import signing
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from aspirations import services
from aspirations.forms import STARTED_MAX_AGE, STARTED_SALT, started_token
from aspirations.models import Aspiration, AspirationEvent, Attachment
from audit.models import AuditEntry
from tests.aspirations.conftest import form_data, identified_data, stored_files
from tests.factories import category, village
from tests.jobs import run_jobs
from tests.photos import jpeg_bytes, upload
from units.scoping import deployment_wide

URL = reverse("aspirations:submit")
SUBMITTED = reverse("aspirations:submitted")
pytestmark = pytest.mark.django_db
# Nothing listens on port 1: every cache call fails, as with a Redis that is down.
DEAD_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def shown_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def ticket_shown(client, data) -> str:
    """POST the form, follow to the success page, return the code it shows."""
    response = client.post(URL, data, follow=True)
    assert response.redirect_chain == [(SUBMITTED, 302)]
    return re.search(r'id="ticket-code">([^<]+)<', response.content.decode()).group(1)


class TestTheFormCarriesAKey:
    def test_every_form_shown_gets_its_own_random_key(self, client):
        first, second = shown_key(client.get(URL).content.decode()), shown_key(Client().get(URL).content.decode())
        assert uuid.UUID(first).version == 4 and uuid.UUID(second).version == 4
        assert first != second

    def test_a_form_sent_back_with_errors_keeps_its_key(self, client):
        key = str(uuid.uuid4())
        html = client.post(URL, form_data(title="", idempotency_key=key)).content.decode()
        assert shown_key(html) == key


class TestSentTwice:
    def test_the_same_key_stores_one_aspiration_and_shows_the_same_code_twice(self, client, mailoutbox):
        data = identified_data(idempotency_key=str(uuid.uuid4()), notify_channel="email")
        first = ticket_shown(client, data)
        again = ticket_shown(client, data)
        run_jobs()
        assert first == again == Aspiration.objects.get().code
        assert AspirationEvent.objects.count() == 1
        assert len(mailoutbox) == 1  # the resident is mailed once

    def test_a_retry_from_another_browser_with_the_key_gets_the_same_code(self, client):
        data = form_data(idempotency_key=str(uuid.uuid4()))
        assert ticket_shown(client, data) == ticket_shown(Client(), data)
        assert Aspiration.objects.count() == 1

    def test_the_retry_reads_no_photo_and_stores_none(self, client, media_root):
        data = form_data(idempotency_key=str(uuid.uuid4()))
        client.post(URL, {**data, "photos": [upload(jpeg_bytes(), "a.jpg")]})
        files = stored_files(media_root)
        response = client.post(URL, {**data, "photos": [upload(b"not an image", "b.jpg")]})
        assert response.status_code == 302  # the first answer, not a photo error
        assert Attachment.objects.count() == 1 and stored_files(media_root) == files

    def test_the_retry_costs_one_query(self, client, django_assert_num_queries):
        data = form_data(idempotency_key=str(uuid.uuid4()))
        client.post(URL, data)
        with django_assert_num_queries(1):
            assert client.post(URL, data).status_code == 302

    def test_different_keys_are_different_aspirations(self, client):
        codes = {ticket_shown(client, form_data(idempotency_key=str(uuid.uuid4()))) for _ in range(2)}
        assert len(codes) == 2 and Aspiration.objects.count() == 2

    @pytest.mark.parametrize("key", ["", "not-a-uuid", "1; DROP TABLE"])
    def test_no_key_or_a_malformed_one_is_an_ordinary_submission(self, client, key):
        assert client.post(URL, form_data(idempotency_key=key)).status_code == 302
        assert client.post(URL, form_data(idempotency_key=key)).status_code == 302
        assert Aspiration.objects.filter(idempotency_key=None).count() == 2

    def test_a_key_an_officer_used_finds_nothing_on_the_public_form(self, client, operator):
        key = uuid.uuid4()
        recorded = services.aspiration_record(actor=operator, channel="phone", idempotency_key=key, **fields())
        code = ticket_shown(client, form_data(idempotency_key=str(key)))
        assert code != recorded.code
        assert Aspiration.objects.count() == 2


def fields(**overrides) -> dict:
    return {
        "type": "keluhan",
        "category": category(),
        "title": "Pencurian ayam",
        "description": "Tiga ekor ayam hilang semalam dari kandang belakang rumah.",
        "village": village("Krangkeng"),
        **overrides,
    }


class TestTheServiceSettlesARace:
    """Two POSTs with one key both pass the view's look-up; the unique constraint decides."""

    def test_the_loser_gets_the_winners_aspiration_and_nothing_is_stored_twice(self, mailoutbox):
        key = uuid.uuid4()
        winner = services.aspiration_submit(
            **fields(reporter_email="w@example.org", consent=True, notify_channel="email"), idempotency_key=key
        )
        loser = services.aspiration_submit(**fields(title="Dikirim lagi"), idempotency_key=key)
        run_jobs()
        assert loser.pk == winner.pk and loser.code == winner.code
        assert Aspiration.objects.count() == 1 and AspirationEvent.objects.count() == 1
        assert len(mailoutbox) == 1

    def test_a_staff_entry_sent_twice_is_audited_once(self, operator):
        key = uuid.uuid4()
        first = services.aspiration_record(actor=operator, channel="phone", idempotency_key=key, **fields())
        again = services.aspiration_record(actor=operator, channel="phone", idempotency_key=key, **fields())
        assert again.pk == first.pk
        assert AuditEntry.objects.filter(target_type="aspirations.aspiration", target_id=str(first.pk)).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time: no race to lose")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_racing_with_one_key_store_one():
    """Really at once, on two connections: the second insert waits for the first commit, then is refused."""
    key, arguments = uuid.uuid4(), fields()
    start, stored = threading.Barrier(2), []

    def send() -> None:
        try:
            start.wait()
            # A thread starts without the suite's scope; the public view is deployment-wide too.
            with deployment_wide():
                stored.append(services.aspiration_submit(**arguments, idempotency_key=key).code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stored) == 2 and len(set(stored)) == 1
    assert Aspiration.objects.count() == 1 and AspirationEvent.objects.count() == 1


class TestOneTimeToken:
    """One "form shown at" token vouches for one submission: reusing it in bulk is flagged."""

    def test_a_second_submission_with_the_same_token_is_flagged_and_the_first_is_not(self, client):
        token = started_token(time.time() - 60)
        client.post(URL, form_data(started=token, idempotency_key=str(uuid.uuid4())))
        client.post(URL, form_data(started=token, idempotency_key=str(uuid.uuid4())))
        first, second = Aspiration.objects.order_by("pk")
        assert first.spam_signals == "" and not first.is_spam_suspected
        assert second.is_spam_suspected and second.spam_signals == "reused_token"

    def test_a_retry_with_the_same_key_is_answered_before_the_token_is_read(self, client):
        data = form_data(idempotency_key=str(uuid.uuid4()))
        client.post(URL, data)
        client.post(URL, data)
        assert not Aspiration.objects.get().is_spam_suspected

    def test_a_form_sent_back_with_errors_keeps_its_token_for_the_corrected_one(self, client):
        token = started_token(time.time() - 60)
        assert client.post(URL, form_data(started=token, title="")).status_code == 200
        assert client.post(URL, form_data(started=token)).status_code == 302
        assert not Aspiration.objects.get().is_spam_suspected

    @pytest.mark.parametrize(
        "token",
        [
            lambda: signing.dumps(int(time.time()) - 60, salt=STARTED_SALT),
            lambda: started_token(time.time() - STARTED_MAX_AGE - 60),
        ],
        ids=["without-nonce", "expired"],
    )
    def test_an_old_or_expired_token_counts_as_none(self, client, token):
        client.post(URL, form_data(started=token()))
        assert Aspiration.objects.get().spam_signals == "bad_token"

    def test_without_a_cache_the_token_cannot_be_told_used_and_the_form_still_works(self, client):
        # A cache that does not answer (a Redis that is down): the form stays open
        # (rate limits and one-time tokens let everyone through), nothing is lost.
        token = started_token(time.time() - 60)
        with override_settings(CACHES=DEAD_CACHE):
            statuses = [client.post(URL, form_data(started=token)).status_code for _ in range(2)]
        assert statuses == [302, 302]
        assert [aspiration.spam_signals for aspiration in Aspiration.objects.all()] == ["", ""]
