"""50 parallel votes (each thread with its own PostgreSQL connection) → an exact count."""

import threading

import pytest
from django.db import connection, connections

from ideas import services
from ideas.models import Idea, Vote
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"
)

N = 50


def _run_parallel(fn, args_list):
    barrier = threading.Barrier(len(args_list))
    errors: list = []

    def worker(args):
        try:
            barrier.wait(timeout=30)
            fn(*args)
        except Exception as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(args,)) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_votes_are_counted_exactly(campaign, make_idea):
    idea = make_idea(campaign)
    voters = [UserFactory() for _ in range(N)]
    errors = _run_parallel(
        lambda user: services.vote_cast(idea=Idea.objects.get(pk=idea.pk), user=user),
        [(user,) for user in voters],
    )
    assert errors == []
    idea.refresh_from_db()
    assert idea.vote_count == N
    assert Vote.objects.filter(idea=idea).count() == N


@pytest.mark.django_db(transaction=True)
def test_same_user_voting_in_parallel_counts_once(campaign, make_idea):
    idea = make_idea(campaign)
    user = UserFactory()
    errors = _run_parallel(
        lambda u: services.vote_cast(idea=Idea.objects.get(pk=idea.pk), user=u),
        [(user,) for _ in range(20)],
    )
    assert errors == []
    idea.refresh_from_db()
    assert idea.vote_count == 1 and Vote.objects.filter(idea=idea).count() == 1


@pytest.mark.django_db(transaction=True)
def test_votes_retractions_and_a_hide_in_parallel_keep_the_counter_exact(
    campaign, make_idea, make_member
):
    """Casts, retractions and a moderator hiding the idea, all at once: every vote row that
    stays is counted once, whatever was refused as hidden."""
    from ideas.services import IdeaConflict
    from portal.models import Role

    idea = make_idea(campaign)
    leavers = [UserFactory() for _ in range(10)]
    for user in leavers:
        services.vote_cast(idea=idea, user=user)
    voters = [UserFactory() for _ in range(20)]
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)

    def act(kind, user):
        fresh = Idea.objects.select_related("campaign").get(pk=idea.pk)
        try:
            if kind == "cast":
                services.vote_cast(idea=fresh, user=user)
            elif kind == "retract":
                services.vote_retract(idea=fresh, user=user)
            else:
                services.idea_status_change(idea=fresh, actor=user, status="hidden", response="")
        except IdeaConflict:  # hidden before this vote moved the counter: nothing kept
            pass

    work = [("cast", u) for u in voters] + [("retract", u) for u in leavers] + [("hide", moderator)]
    assert _run_parallel(act, work) == []
    idea.refresh_from_db()
    assert idea.status == "hidden"
    assert idea.vote_count == Vote.objects.filter(idea=idea).count()
