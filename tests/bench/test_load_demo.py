"""load_demo (small): everything it writes is consistent — counters equal the rows, nothing lost."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from ideas import selectors
from ideas.models import Comment, Idea, IdeaTag, Vote

pytestmark = pytest.mark.django_db


def _counters_exact() -> None:
    ideas = Idea.objects.annotate(
        rows=Count("votes", distinct=True),
        visible=Count(
            "comments",
            filter=Q(comments__is_removed=False, comments__is_hidden=False),
            distinct=True,
        ),
    )
    wrong = [
        (i.pk, i.vote_count, i.rows, i.comment_count, i.visible)
        for i in ideas
        if i.vote_count != i.rows or i.comment_count != i.visible
    ]
    assert wrong == []


def test_load_demo_small_counts_are_exact(demo_campaigns):
    out = io.StringIO()
    call_command("load_demo", ideas=50, votes=200, comments=50, seed=1, tags="none", stdout=out)

    assert Idea.objects.count() == 50
    assert Vote.objects.count() == 200  # 200 voters × 50 ideas: every requested pair fits
    assert Comment.objects.count() == 50
    assert Comment.objects.filter(parent__isnull=False).count() == 10
    assert not Comment.objects.filter(parent__isnull=False).exclude(idea=F("parent__idea")).exists()
    assert not Vote.objects.filter(created_at__lt=F("idea__created_at")).exists()
    assert sum(Idea.objects.values_list("vote_count", flat=True)) == 200
    _counters_exact()
    # Every idea is in a campaign of its agency, has a Thai text and a search text.
    for idea in Idea.objects.select_related("campaign"):
        assert idea.agency_id == idea.campaign.agency_id
        assert idea.search_text and idea.title and len(idea.body) >= 10
    assert not IdeaTag.objects.exists()  # --tags none: search text only (the fast CI path)
    assert "done: +50 ideas" in out.getvalue()


def test_load_demo_adds_on_each_run_and_search_finds_words(demo_campaigns):
    call_command(
        "load_demo", ideas=30, votes=100, comments=20, seed=2, tags="none", stdout=io.StringIO()
    )
    call_command(
        "load_demo", ideas=0, votes=60, comments=10, seed=3, tags="none", stdout=io.StringIO()
    )
    assert Idea.objects.count() == 30
    assert Comment.objects.count() == 30
    # New pairs only (existing idea/user pairs are skipped): never duplicated, never over-counted.
    assert 100 < Vote.objects.count() <= 160
    assert Vote.objects.values("idea", "user").distinct().count() == Vote.objects.count()
    _counters_exact()

    # Whole-word Thai search over the generated search_text finds only ideas containing the word.
    hits = list(selectors.idea_list(q="ผู้สูงอายุ", include_hidden=True))
    assert hits
    assert all("ผู้สูงอายุ" in f"{i.title} {i.body}" for i in hits)


def test_load_demo_rejects_negative_numbers(demo_campaigns):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo", ideas=-1, stdout=io.StringIO())
