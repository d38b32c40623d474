import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from patrols.demo_territory import username_for
from patrols.models import Assignment, Officer, Village
from units.models import Kecamatan, Unit

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-krangkeng-110"


def snapshot() -> dict:
    """Every table the demo fills, as comparable rows."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"patrols", "aspirations"}:
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in {"password", "last_login"}]
            rows[model._meta.label] = sorted(map(repr, model.objects.values_list(*fields)))
    return rows


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", password=DEMO_PASSWORD)


def test_creates_the_demo_accounts(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", password=DEMO_PASSWORD)
    usernames = set(Officer.objects.values_list("username", flat=True))
    assert {"pimpinan", "operator", "admin"} <= usernames
    assert len(Village.objects.all()) == 11 + 11 + 7  # Krangkeng, Karangampel, Kedokan Bunder
    for village in Village.objects.all():
        officer = Officer.objects.get(username=username_for(village))
        assert officer.check_password(DEMO_PASSWORD)
        assert officer.unit == village.unit
        assert Assignment.objects.in_force().get(village=village).officer == officer
    assert Officer.objects.get(username="pimpinan").groups.get() == Group.objects.get(name="command")
    assert Officer.objects.get(username="admin").is_staff
    out = capsys.readouterr().out
    assert "bhabin.krangkeng" in out and "bhabin.karangampelkidul" in out


# username: (role, unit) — role + unit is what an account sees (README, Demo accounts).
ACCOUNTS = {
    "pimpinan": ("command", "krangkeng"),
    "operator": ("operator", "krangkeng"),
    "admin": ("admin", "krangkeng"),
    "kapolres": ("command", "indramayu"),
    "operator.polres": ("operator", "indramayu"),
    "admin.polres": ("admin", "indramayu"),
    "pimpinan.krangkeng": ("command", "krangkeng"),
    "operator.krangkeng": ("operator", "krangkeng"),
    "admin.krangkeng": ("admin", "krangkeng"),
    "bhabin.krangkeng": ("officer", "krangkeng"),
    "pimpinan.karangampel": ("command", "karangampel"),
    "operator.karangampel": ("operator", "karangampel"),
    "admin.karangampel": ("admin", "karangampel"),
    "bhabin.karangampel": ("officer", "karangampel"),
    "pimpinan.kedokan-bunder": ("command", "kedokan-bunder"),
    "operator.kedokan-bunder": ("operator", "kedokan-bunder"),
    "admin.kedokan-bunder": ("admin", "kedokan-bunder"),
    "bhabin.kedokanbunder": ("officer", "kedokan-bunder"),
}


def test_an_account_for_each_role_at_each_level(settings):
    settings.DEBUG = True
    call_command("seed_demo", password=DEMO_PASSWORD)
    officers = Officer.objects.select_related("unit").prefetch_related("groups")
    found = {o.username: (o.groups.get().name, o.unit.code) for o in officers.filter(username__in=ACCOUNTS)}
    assert found == ACCOUNTS
    polsek = Unit.objects.subtree(Unit.objects.get(code="indramayu")).polsek()
    assert sorted(polsek.values_list("code", flat=True)) == ["karangampel", "kedokan-bunder", "krangkeng"]
    assert all(unit.commander_name and unit.phone for unit in polsek)
    karangampel = Kecamatan.objects.get(code="32.12.10")
    assert (karangampel.name, karangampel.unit.code) == ("Karangampel", "karangampel")
    # Krangkeng's eleven villages are the ones the data migration made, coordinates and all.
    assert Village.objects.filter(unit__code="krangkeng", latitude__isnull=False).count() == 11


def test_running_twice_gives_the_same_rows(settings):
    settings.DEBUG = True
    call_command("seed_demo", password=DEMO_PASSWORD)
    first = snapshot()
    call_command("seed_demo", password=DEMO_PASSWORD)
    assert snapshot() == first


def test_generates_and_prints_a_password_when_none_given(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    password = out.strip().splitlines()[-1].split(": ", 1)[1]
    assert len(password) >= 12
    assert Officer.objects.get(username="operator").check_password(password)


def test_force_allows_running_without_debug(settings):
    settings.DEBUG = False
    call_command("seed_demo", password=DEMO_PASSWORD, force=True)
    assert Officer.objects.filter(username="pimpinan").exists()


def test_a_demo_api_client_and_its_reports(settings, capsys):
    from open311.demo import demo_key
    from open311.models import ApiClient

    settings.DEBUG = True
    call_command("seed_demo", password=DEMO_PASSWORD)
    key = demo_key(DEMO_PASSWORD)
    assert key in capsys.readouterr().out
    client = ApiClient.objects.holding(key)
    assert client.submissions.count() == 3
    assert client.submissions.filter(aspiration__is_spam_suspected=True).count() == 1
    assert set(client.submissions.values_list("aspiration__sent_via", flat=True)) == {client.name}
