import pytest
from django.core.management import call_command

from portal.models import Agency, Membership

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Agency.objects.count(), Membership.objects.count())
    out = capsys.readouterr().out
    assert "admin@ruamkid.example" in out
    call_command("seed_demo", "--quiet-logins")
    assert (Agency.objects.count(), Membership.objects.count()) == counts
    assert counts[0] == 3
