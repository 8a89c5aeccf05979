"""Database side of the HTTP bench: set up clients and tokens, verify votes, EXPLAIN search.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... python -m bench.dbtool prepare
    ... python -m bench.dbtool verify --ideas 1,2,3
    ... python -m bench.dbtool explain --q "นัดหมาย ออนไลน์"

Prints one JSON object on stdout (``explain`` prints the plans as JSON strings).
"""

import argparse
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from ideas import selectors  # noqa: E402
from ideas.models import Idea, IdeaCampaignPage, IdeaStatus, Vote  # noqa: E402
from portal.models import ApiToken, User  # noqa: E402
from portal.services import api_token_create  # noqa: E402

CLIENT_DOMAIN = "bench.ruamkid.example"
SEARCH_QUERIES = ["นัดหมายออนไลน์", "ทางเท้า", "บัตรประชาชน"]


def _recount(idea_ids) -> None:
    for idea_id in set(idea_ids):
        Idea.objects.filter(pk=idea_id).update(
            vote_count=Vote.objects.filter(idea_id=idea_id).count()
        )


def _campaign() -> IdeaCampaignPage:
    """The open, votable campaign with the most visible ideas (the heaviest list page)."""
    campaigns = [
        c
        for c in IdeaCampaignPage.objects.live().public().filter(voting_enabled=True)
        if c.is_open and c.agency_id
    ]
    counts = dict(
        Idea.objects.exclude(status=IdeaStatus.HIDDEN)
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return max(campaigns, key=lambda c: counts.get(c.pk, 0))


@transaction.atomic
def prepare(clients: int, vote_ideas: int) -> dict:
    campaign = _campaign()
    tokens = []
    users = []
    for n in range(clients):
        email = f"client-{n:03d}@{CLIENT_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(username=email, email=email, display_name=f"ผู้ทดสอบโหลด {n}")
            user.set_unusable_password()
            user.save()
        users.append(user)
    ApiToken.objects.filter(user__in=users).delete()
    tokens = [api_token_create(user=user, name="bench") for user in users]
    old = list(Vote.objects.filter(user__in=users).values_list("idea_id", flat=True))
    Vote.objects.filter(user__in=users).delete()
    _recount(old)
    ideas = list(
        Idea.objects.filter(campaign=campaign)
        .exclude(status=IdeaStatus.HIDDEN)
        .order_by("-vote_count", "-created_at", "-pk")
        .values_list("pk", flat=True)[:vote_ideas]
    )
    per_query = {q: selectors.idea_list(q=q).count() for q in SEARCH_QUERIES}
    return {
        "campaign_id": campaign.pk,
        "campaign_path": campaign.url,
        "campaign_ideas": Idea.objects.filter(campaign=campaign)
        .exclude(status=IdeaStatus.HIDDEN)
        .count(),
        "ideas_total": Idea.objects.count(),
        "votes_total": Vote.objects.count(),
        "tokens": tokens,
        "vote_ideas": ideas,
        "search_hits": per_query,
    }


def verify(idea_ids: list[int]) -> dict:
    clients = Vote.objects.filter(user__email__endswith=f"@{CLIENT_DOMAIN}")
    duplicates = (
        Vote.objects.values("idea_id", "user_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    mismatched = [
        idea.pk
        for idea in Idea.objects.filter(pk__in=idea_ids).annotate(rows=Count("votes"))
        if idea.vote_count != idea.rows
    ]
    return {
        "client_votes": clients.count(),
        "duplicate_pairs": duplicates,
        "counter_mismatches": mismatched,
    }


def explain(q: str) -> dict:
    qs = selectors.idea_list(q=q)
    plans = {}
    if connection.vendor == "postgresql":
        plans["count"] = qs.order_by().explain(analyze=True)
        plans["page"] = qs[:20].explain(analyze=True)
    else:
        plans["page"] = qs[:20].explain()
    plans["terms"] = selectors.search_terms(q)
    plans["hits"] = qs.count()
    return plans


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--vote-ideas", type=int, default=40)
    v = sub.add_parser("verify")
    v.add_argument("--ideas", default="")
    e = sub.add_parser("explain")
    e.add_argument("--q", required=True)
    args = parser.parse_args()
    if args.cmd == "prepare":
        out = prepare(args.clients, args.vote_ideas)
    elif args.cmd == "verify":
        out = verify([int(x) for x in args.ideas.split(",") if x])
    else:
        out = explain(args.q)
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
