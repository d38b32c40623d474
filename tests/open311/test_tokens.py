"""GET tokens/{token}: a report held for review gets its id once an operator has looked at it."""

import pytest

from aspirations.services import aspiration_reject, aspiration_verify
from open311.models import ApiSubmission
from tests.open311 import shapes
from tests.open311.conftest import error_descriptions, json_of, post, url, xml_of

pytestmark = pytest.mark.django_db

WITH_A_LINK = "Lihat videonya di https://contoh.id/video, balap liar tiap malam."


@pytest.fixture
def held(api_client) -> ApiSubmission:
    post(api_client.key, description=WITH_A_LINK)
    return ApiSubmission.objects.select_related("aspiration").get()


def test_while_held_the_id_is_empty(client, held):
    root = xml_of(client.get(url("token", token=held.token)))
    shapes.assert_shape(root, shapes.TOKEN)
    assert root.find("request/service_request_id").text is None
    assert root.findtext("request/token") == held.token
    assert json_of(client.get(url("token", "json", token=held.token))) == [
        {"service_request_id": None, "token": held.token}
    ]


def test_once_verified_the_id_is_given_and_listed(client, held, operator):
    aspiration_verify(aspiration=held.aspiration, actor=operator)
    assert json_of(client.get(url("token", "json", token=held.token))) == [
        {"service_request_id": held.aspiration.public_id, "token": held.token}
    ]
    assert client.get(url("request", service_request_id=held.aspiration.public_id)).status_code == 200


def test_rejected_as_spam_it_never_is(client, held, operator):
    aspiration_reject(aspiration=held.aspiration, actor=operator, reason="spam")
    assert json_of(client.get(url("token", "json", token=held.token)))[0]["service_request_id"] is None


def test_not_cached_by_proxies(client, held):
    response = client.get(url("token", token=held.token))
    assert response["Cache-Control"] == "private, no-cache"
    assert client.get(url("token", token=held.token), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_token_is_a_404(client, fmt):
    response = client.get(url("token", fmt, token="tidak-ada"))
    assert response.status_code == 404
    assert error_descriptions(response) == ["token: tidak ditemukan."]
