"""PDPA export/erasure for workshops (called by `portal.pdpa`)."""

from portal.models import ERASED_DISPLAY_NAME
from portal.pdpa import iso

from .models import DotVote, Event, Note, Participant


def export(user) -> dict:
    participants = list(Participant.objects.filter(user=user).select_related("workshop"))
    return {
        "participations": [
            {
                "workshop": p.workshop.code,
                "title": p.workshop.title,
                "display_name": p.display_name,
                "joined_at": iso(p.joined_at),
                "notes": [
                    {"id": n.pk, "text": n.text, "created_at": iso(n.created_at)}
                    for n in Note.objects.filter(author=p).order_by("pk")
                ],
                "dot_votes": [
                    {"note": v.note_id, "created_at": iso(v.created_at)}
                    for v in DotVote.objects.filter(participant=p).order_by("pk")
                ],
            }
            for p in participants
        ]
    }


def erase(user) -> None:
    """Notes and votes stay on the boards (workshop outputs stay true); the name goes."""
    participants = Participant.objects.filter(user=user)
    Event.objects.filter(actor__in=participants).update(actor_name=ERASED_DISPLAY_NAME)
    participants.update(display_name=ERASED_DISPLAY_NAME)
