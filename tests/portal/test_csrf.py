"""Every URL refuses a POST without a CSRF token, with the Indonesian CSRF page.

The URLs come from the role x URL matrix (ROUTES), so a form added there is
covered without another line. A 405 means the URL takes no POST at all.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from tests.conftest import PASSWORD
from tests.portal import test_access_matrix
from tests.portal.test_access_matrix import PERSONAS, ROUTES

world = test_access_matrix.world  # the matrix's fixture, shared


def csrf_client(user) -> Client:
    """A client that enforces CSRF and holds a valid CSRF cookie, but sends no token."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return client


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROUTES))
def test_post_without_token_is_refused(url_name, world):
    url = reverse(url_name, kwargs=ROUTES[url_name].kwargs(world))
    for persona in PERSONAS:
        response = csrf_client(world.get(persona)).post(url, {"anything": "x"})
        if response.status_code == 405:
            continue
        assert response.status_code == 403, f"{persona} POST {url} -> {response.status_code}"
        assert "403_csrf.html" in template_names(response), f"{persona} POST {url} was not refused for CSRF"


@pytest.mark.django_db
class TestCsrfFailurePage:
    def test_is_indonesian_and_reveals_nothing(self):
        response = csrf_client(None).post(reverse("login"), {"username": "x", "password": "y"})
        body = response.content.decode()
        assert response.status_code == 403
        assert "Formulir tidak dapat dikirim" in body
        for leak in ("CSRF", "token", "Referer", "settings", "DEBUG"):
            assert leak not in body

    def test_the_same_post_with_its_token_goes_through(self, bhabin):
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("login"))
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        response = client.post(
            reverse("login"), {"username": bhabin.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
