"""Reads for workshops: board state, event replay, lists, home page section, outputs."""

from django.db.models import Count, Q
from django.utils import timezone

from portal.permissions import agencies_with_role

from .models import Cluster, DotVote, Event, Note, Participant, Workshop
from .services import FACILITATOR_ROLES, cluster_dict, note_dict

# A client further behind than this gets a fresh `state` instead of a replay.
MAX_REPLAY_EVENTS = 1000


def workshop_by_code(code: str) -> Workshop | None:
    return Workshop.objects.select_related("agency").filter(code=(code or "").upper()).first()


def anonymous_participant_exists(workshop_id: int, token: str) -> bool:
    return Participant.objects.filter(
        workshop_id=workshop_id, token=token, user__isnull=True
    ).exists()


def participants_list(workshop: Workshop) -> list[dict]:
    return [
        {"id": p.pk, "display_name": p.display_name, "online": p.connections > 0}
        for p in Participant.objects.filter(workshop=workshop).only(
            "pk", "display_name", "connections"
        )
    ]


def vote_counts(workshop: Workshop) -> dict[str, int]:
    rows = (
        DotVote.objects.filter(workshop=workshop)
        .values("note_id")
        .annotate(count=Count("pk"))
        .order_by("note_id")
    )
    return {str(row["note_id"]): row["count"] for row in rows}


def votes_left(workshop: Workshop, participant: Participant | None) -> int:
    if participant is None:
        return workshop.dot_votes_per_person
    used = DotVote.objects.filter(workshop=workshop, participant=participant).count()
    return max(0, workshop.dot_votes_per_person - used)


def my_vote_counts(workshop: Workshop, participant: Participant | None) -> dict[str, int]:
    if participant is None:
        return {}
    rows = (
        DotVote.objects.filter(workshop=workshop, participant=participant)
        .values("note_id")
        .annotate(count=Count("pk"))
        .order_by("note_id")
    )
    return {str(row["note_id"]): row["count"] for row in rows}


def workshop_state(
    workshop: Workshop, participant: Participant | None = None, *, facilitator: bool = False
) -> dict:
    """The WebSocket `state` message (also `GET /api/v1/workshops/{code}`).

    Read in one transaction-consistent order: `seq` is read first, so any event after it will be
    delivered (or replayed) to the client; events up to `seq` are already reflected here."""
    workshop = Workshop.objects.select_related("agency").get(pk=workshop.pk)
    notes = Note.objects.filter(workshop=workshop).select_related("author")
    clusters = Cluster.objects.filter(workshop=workshop)
    return {
        "type": "state",
        "seq": workshop.last_seq,
        "phase": workshop.phase,
        "phase_index": workshop.phase_index,
        "phases": workshop.phases,
        "timer": {"ends_at": workshop.timer_ends_at.isoformat()}
        if workshop.timer_ends_at and workshop.timer_ends_at > timezone.now()
        else None,
        "locked": workshop.locked,
        "participants": participants_list(workshop),
        "notes": [note_dict(n) for n in notes],
        "clusters": [cluster_dict(c) for c in clusters],
        "votes": vote_counts(workshop),
        "my_votes_left": votes_left(workshop, participant),
        "my_votes": my_vote_counts(workshop, participant),
        "me": {"id": participant.pk, "display_name": participant.display_name}
        if participant
        else None,
        "facilitator": facilitator,
        "server_time": timezone.now().isoformat(),
        "workshop": {
            "id": workshop.pk,
            "code": workshop.code,
            "title": workshop.title,
            "challenge": workshop.challenge,
            "status": workshop.status,
            "agency": workshop.agency.slug,
            "dot_votes_per_person": workshop.dot_votes_per_person,
            "allow_anonymous": workshop.allow_anonymous,
        },
    }


def events_since(workshop_id: int, since: int) -> list[dict] | None:
    """Events with seq > since in order, or None when too many were missed or `since` is ahead of
    the workshop (the client's board is not this one's past: send a state)."""
    last_seq = Workshop.objects.filter(pk=workshop_id).values_list("last_seq", flat=True).first()
    if last_seq is None or since > last_seq:
        return None
    events = list(
        Event.objects.filter(workshop_id=workshop_id, seq__gt=since).order_by("seq")[
            : MAX_REPLAY_EVENTS + 1
        ]
    )
    if len(events) > MAX_REPLAY_EVENTS:
        return None
    return [e.as_message() for e in events]


def visible_workshops(user=None, *, agency_slug: str = "", status: str = ""):
    """Public workshops, plus drafts of agencies where the user facilitates."""
    visible = Q(status__in=Workshop.PUBLIC_STATUSES)
    if user is not None and user.is_authenticated:
        visible |= Q(agency__in=agencies_with_role(user, FACILITATOR_ROLES))
    qs = Workshop.objects.select_related("agency").filter(visible)
    if agency_slug:
        qs = qs.filter(agency__slug=agency_slug)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def public_workshops_by_status() -> dict:
    base = Workshop.objects.select_related("agency").annotate(
        participant_count=Count("participants", distinct=True)
    )
    return {
        "live": base.filter(status=Workshop.Status.LIVE).order_by("-opened_at"),
        "upcoming": base.filter(status=Workshop.Status.UPCOMING).order_by(
            "scheduled_at", "-created_at"
        ),
        "finished": base.filter(status=Workshop.Status.FINISHED).order_by("-finished_at"),
    }


def console_workshops(user):
    """Workshops of the agencies where the user is a facilitator or manager."""
    return (
        Workshop.objects.select_related("agency")
        .filter(agency__in=agencies_with_role(user, FACILITATOR_ROLES))
        .annotate(
            participant_count=Count("participants", distinct=True),
            note_count=Count("notes", distinct=True),
        )
        .order_by("-created_at")
    )


def home_live_workshops(request) -> list[dict]:
    """Home page section: live workshops first, then upcoming ones (at most 6)."""
    rows = []
    for status in (Workshop.Status.LIVE, Workshop.Status.UPCOMING):
        qs = Workshop.objects.select_related("agency").filter(status=status)
        qs = (
            qs.order_by("-opened_at")
            if status == Workshop.Status.LIVE
            else qs.order_by("scheduled_at")
        )
        for workshop in qs[: 6 - len(rows)]:
            rows.append(
                {
                    "title": workshop.title,
                    "url": workshop.get_absolute_url(),
                    "agency_name": workshop.agency.name,
                    "status_label": str(workshop.get_status_display()),
                }
            )
        if len(rows) >= 6:
            break
    return rows


def workshop_outputs(workshop: Workshop) -> dict:
    """What a workshop produced, for the evidence pack and exports.

    Returns ``{"workshop": {id, code, title, challenge, status, agency, scheduled_at, finished_at,
    url}, "participant_count", "note_count", "vote_count", "clusters": [{id, title, note_count,
    vote_count, promoted_idea_id}], "top_notes": [{id, text, cluster, votes, promoted_idea_id}]
    (ten most-voted), "promoted_idea_ids": [...]}``. A fixed number of queries."""
    notes = list(
        Note.objects.filter(workshop=workshop)
        .select_related("cluster")
        .annotate(vote_count=Count("votes"))
        .order_by("-vote_count", "pk")
    )
    clusters = list(
        Cluster.objects.filter(workshop=workshop)
        .annotate(note_count=Count("notes", distinct=True), vote_count=Count("notes__votes"))
        .order_by("-vote_count", "pk")
    )
    promoted = [n.promoted_idea_id for n in notes if getattr(n, "promoted_idea_id", None)]
    promoted += [c.promoted_idea_id for c in clusters if getattr(c, "promoted_idea_id", None)]
    return {
        "workshop": {
            "id": workshop.pk,
            "code": workshop.code,
            "title": workshop.title,
            "challenge": workshop.challenge,
            "status": workshop.status,
            "agency": workshop.agency.slug,
            "scheduled_at": workshop.scheduled_at,
            "finished_at": workshop.finished_at,
            "url": workshop.get_absolute_url(),
        },
        "participant_count": Participant.objects.filter(workshop=workshop).count(),
        "note_count": len(notes),
        "vote_count": sum(n.vote_count for n in notes),
        "clusters": [
            {
                "id": c.pk,
                "title": c.title,
                "note_count": c.note_count,
                "vote_count": c.vote_count,
                "promoted_idea_id": getattr(c, "promoted_idea_id", None),
            }
            for c in clusters
        ],
        "top_notes": [
            {
                "id": n.pk,
                "text": n.text,
                "cluster": n.cluster.title if n.cluster else None,
                "votes": n.vote_count,
                "promoted_idea_id": getattr(n, "promoted_idea_id", None),
            }
            for n in notes[:10]
        ],
        "promoted_idea_ids": promoted,
    }


def workshop_export(workshop: Workshop) -> dict:
    """Everything on the board with pseudonymous participants (P1, P2... in join order)."""
    participants = list(Participant.objects.filter(workshop=workshop).order_by("joined_at", "pk"))
    alias = {p.pk: f"P{i}" for i, p in enumerate(participants, start=1)}
    notes = list(
        Note.objects.filter(workshop=workshop).annotate(vote_count=Count("votes")).order_by("pk")
    )
    clusters = list(Cluster.objects.filter(workshop=workshop).order_by("pk"))
    votes = list(DotVote.objects.filter(workshop=workshop).order_by("pk"))
    phases = workshop.phases
    return {
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "challenge": workshop.challenge,
            "agency": workshop.agency.slug,
            "status": workshop.status,
            "phases": phases,
            "dot_votes_per_person": workshop.dot_votes_per_person,
            "scheduled_at": workshop.scheduled_at.isoformat() if workshop.scheduled_at else None,
            "events": workshop.last_seq,
        },
        "participants": [
            {
                "id": alias[p.pk],
                "registered": p.user_id is not None,
                "notes": sum(1 for n in notes if n.author_id == p.pk),
                "votes": sum(1 for v in votes if v.participant_id == p.pk),
            }
            for p in participants
        ],
        "clusters": [{"id": c.pk, "title": c.title} for c in clusters],
        "notes": [
            {
                "id": n.pk,
                "text": n.text,
                "column": n.column,
                "phase": phases[n.phase_index] if n.phase_index < len(phases) else "",
                "cluster_id": n.cluster_id,
                "author": alias.get(n.author_id, ""),
                "votes": n.vote_count,
                "created_at": n.created_at.isoformat(),
            }
            for n in notes
        ],
        "votes": [
            {"note_id": v.note_id, "participant": alias.get(v.participant_id, "")} for v in votes
        ],
    }
