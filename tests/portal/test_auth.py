import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


class TestSignIn:
    def test_page_is_in_indonesian(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert "Masuk untuk petugas kepolisian" in response.content.decode()

    def test_right_password_signs_in_and_goes_to_the_officers_home(self, client, bhabin):
        response = client.post(reverse("login"), {"username": bhabin.username, "password": PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("staff_home")
        assert client.session["_auth_user_id"] == str(bhabin.pk)

    def test_wrong_password_shows_an_indonesian_error(self, client, bhabin):
        response = client.post(reverse("login"), {"username": bhabin.username, "password": "wrong-password-123"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "sandi yang benar" in response.content.decode()

    def test_next_is_followed_only_within_the_site(self, client, bhabin):
        response = client.post(
            reverse("login"), {"username": bhabin.username, "password": PASSWORD, "next": "https://evil.example/"}
        )
        assert response.url == reverse("staff_home")


class TestSignOut:
    def test_post_signs_out(self, bhabin):
        client = client_for(bhabin)
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_get_does_not_sign_out(self, bhabin):
        client = client_for(bhabin)
        assert client.get(reverse("logout")).status_code == 405
        assert client.session["_auth_user_id"] == str(bhabin.pk)


class TestPasswordChange:
    def test_short_password_is_refused_in_indonesian(self, bhabin):
        response = client_for(bhabin).post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "pendek123", "new_password2": "pendek123"},
        )
        assert response.status_code == 200
        assert "terlalu pendek" in response.content.decode()

    def test_long_password_is_accepted(self, bhabin):
        new = "sambang-desa-krangkeng-2025"
        response = client_for(bhabin).post(
            reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302
        bhabin.refresh_from_db()
        assert bhabin.check_password(new)
