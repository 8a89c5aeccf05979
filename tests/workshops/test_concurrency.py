"""Real concurrency: many database connections (threads) operating on one workshop at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from workshops.models import DotVote, Event
from workshops.services import Actor, OpError, participant_join, workshop_op

from .conftest import make_workshop

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL row locks"),
]


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()

    return run


def test_concurrent_ops_get_gapless_unique_seq():
    workshop, _ = make_workshop()
    people = [participant_join(workshop=workshop, display_name=f"คนที่ {i}") for i in range(8)]

    @_in_thread
    def add_notes(participant):
        for j in range(5):
            workshop_op(
                workshop_id=workshop.pk,
                actor=Actor(participant=participant),
                op="note.add",
                payload={"text": f"โน้ต {participant.pk}-{j}"},
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add_notes, people))
    seqs = list(
        Event.objects.filter(workshop=workshop).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 41))
    workshop.refresh_from_db()
    assert workshop.last_seq == 40


def test_concurrent_votes_never_exceed_the_budget():
    workshop, _ = make_workshop(dot_votes_per_person=3)
    voter = participant_join(workshop=workshop, display_name="คนโหวต")
    author = participant_join(workshop=workshop, display_name="คนเขียน")
    note_id = workshop_op(
        workshop_id=workshop.pk,
        actor=Actor(participant=author),
        op="note.add",
        payload={"text": "โน้ตยอดนิยม"},
    ).data["id"]

    @_in_thread
    def vote(_):
        try:
            workshop_op(
                workshop_id=workshop.pk,
                actor=Actor(participant=voter),
                op="vote.cast",
                payload={"note_id": note_id},
            )
            return "ok"
        except OpError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(vote, range(10)))
    assert results.count("ok") == 3 and results.count("no_votes_left") == 7
    assert DotVote.objects.filter(participant=voter).count() == 3
    seqs = list(
        Event.objects.filter(workshop=workshop).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == [1, 2, 3, 4]
