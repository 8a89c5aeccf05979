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
    _demo_plans_show_real_content()


def _demo_plans_show_real_content():
    """Issue 8: a published 2570 plan per demo agency, items linked to demo ideas, and (where
    the agency has them) a workshop and survey results, so the evidence pack and "you said,
    we did" show real content."""
    from plans.models import ImprovementPlan

    plans = {p.agency.slug: p for p in ImprovementPlan.objects.filter(fiscal_year=2570)}
    assert set(plans) == set(Agency.objects.values_list("slug", flat=True))
    for slug, plan in plans.items():
        assert plan.is_published and plan.items.filter(ideas__isnull=False).exists(), slug
    for slug in ("sisuk-hospital", "muangmai-city"):
        items = plans[slug].items
        assert items.filter(workshops__isnull=False).exists(), slug
        assert items.filter(surveys__isnull=False).exists(), slug
