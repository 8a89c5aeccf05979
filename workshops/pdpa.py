"""PDPA export/erasure for workshops (called by `portal.pdpa`)."""

from portal.models import ERASED_DISPLAY_NAME

from .models import Event, Note, Participant


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    participants = Participant.objects.filter(user=user).select_related("workshop")
    return {
        "participations": [
            {
                "workshop": p.workshop.code,
                "workshop_title": p.workshop.title,
                "display_name": p.display_name,
                "joined_at": _iso(p.joined_at),
                "notes": [
                    {"text": note.text, "created_at": _iso(note.created_at)}
                    for note in Note.objects.filter(author=p).order_by("created_at")
                ],
            }
            for p in participants
        ]
    }


def erase(user) -> None:
    """Notes and dot votes stay on the board; the chosen display name is replaced."""
    participants = Participant.objects.filter(user=user)
    Event.objects.filter(actor__in=participants).update(actor_name=ERASED_DISPLAY_NAME)
    participants.update(display_name=ERASED_DISPLAY_NAME)
