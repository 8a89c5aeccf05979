"""Writes for workshops. Every board operation is one transaction that appends an `Event`.

The per-workshop sequence number is allocated by incrementing ``Workshop.last_seq`` with an
``UPDATE`` as the very first statement of the transaction: on PostgreSQL that takes the row lock
(concurrent operations on the same workshop, from any process, queue behind it), on SQLite it takes
the database write lock. If the operation is refused the transaction rolls back, so the counter
never skips a number. The event is broadcast to the workshop's channel-layer group only after the
transaction commits.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portal.models import Role
from portal.services import audit_log, consent_record

from . import fanout
from .models import DEFAULT_PHASES, Cluster, DotVote, Event, Note, Participant, Workshop
from .models import generate_code as _generate_code

logger = logging.getLogger(__name__)

MAX_NOTE_CHARS = 1000
MAX_TITLE_CHARS = 120
MAX_DISPLAY_NAME_CHARS = 60
MAX_TIMER_SECONDS = 4 * 60 * 60
FACILITATOR_ROLES = (Role.FACILITATOR, Role.MANAGER)


class OpError(Exception):
    """A refused operation: `code` is the WebSocket error code (forbidden, invalid, locked...)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def group_name(workshop_id: int) -> str:
    return fanout.group_name(workshop_id)


def is_facilitator(user, workshop: Workshop) -> bool:
    """Facilitator or manager of the workshop's agency (rule `workshops.facilitate`)."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_perm("workshops.facilitate", workshop)


def broadcast(workshop_id: int, message: dict) -> None:
    """Send to every connection of the workshop (all processes), from synchronous code. Never
    raises: events are persisted, and each process's hub reads a lost one back (`fanout`)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(workshop_id), fanout.envelope(message))
    except Exception:  # channel layer down: the op is stored, clients resume later
        logger.warning("workshop %s: broadcast failed", workshop_id, exc_info=True)


# --- Workshops -------------------------------------------------------------------------------


def _clean_phases(phases) -> list[str]:
    if phases is None:
        return list(DEFAULT_PHASES)
    cleaned = [str(p).strip()[:60] for p in phases if str(p).strip()]
    if not cleaned or len(cleaned) > 12:
        raise ValueError("ขั้นตอนต้องมี 1–12 ขั้น (phases: 1 to 12 items)")
    return cleaned


@transaction.atomic
def workshop_create(
    *,
    agency,
    created_by,
    title: str,
    challenge: str = "",
    phases: list[str] | None = None,
    dot_votes_per_person: int = 3,
    allow_anonymous: bool = True,
    scheduled_at=None,
    status: str = Workshop.Status.UPCOMING,
) -> Workshop:
    title = title.strip()
    if not title:
        raise ValueError("กรุณาใส่ชื่อเวิร์กช็อป (title is required)")
    if not 0 <= dot_votes_per_person <= 50:
        raise ValueError("จำนวนจุดโหวตต้องอยู่ระหว่าง 0–50 (dot votes: 0 to 50)")
    if status not in Workshop.Status.values:
        raise ValueError("สถานะไม่ถูกต้อง (invalid status)")
    for _attempt in range(10):
        code = _generate_code()
        if not Workshop.objects.filter(code=code).exists():
            break
    workshop = Workshop.objects.create(
        agency=agency,
        created_by=created_by if created_by is not None and created_by.is_authenticated else None,
        title=title[:200],
        challenge=challenge.strip(),
        phases=_clean_phases(phases),
        dot_votes_per_person=dot_votes_per_person,
        allow_anonymous=allow_anonymous,
        scheduled_at=scheduled_at,
        status=status,
        code=code,
        opened_at=timezone.now() if status == Workshop.Status.LIVE else None,
    )
    return workshop


# --- Participants and presence ------------------------------------------------------------------


@transaction.atomic
def participant_join(
    *, workshop: Workshop, user=None, display_name: str = "", token: str = ""
) -> Participant:
    """The participant for a user (one per workshop) or an anonymous display name.

    An anonymous client that presents its earlier `token` gets its participant back."""
    display_name = (display_name or "").strip()[:MAX_DISPLAY_NAME_CHARS]
    if user is not None and user.is_authenticated:
        participant = Participant.objects.filter(workshop=workshop, user=user).first()
        if participant is None:
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        workshop=workshop, user=user, display_name=display_name or user.public_name
                    )
                    _workshop_consent(participant)
            except IntegrityError:  # the same user joined from another tab at the same time
                participant = Participant.objects.get(workshop=workshop, user=user)
        elif display_name and display_name != participant.display_name:
            participant.display_name = display_name
            participant.save(update_fields=["display_name", "last_seen_at"])
        return participant
    if not workshop.allow_anonymous:
        raise OpError("forbidden", "เวิร์กช็อปนี้ต้องเข้าสู่ระบบก่อน (log in to join)")
    if token:
        participant = Participant.objects.filter(
            workshop=workshop, token=token, user__isnull=True
        ).first()
        if participant is not None:
            if display_name and display_name != participant.display_name:
                participant.display_name = display_name
                participant.save(update_fields=["display_name", "last_seen_at"])
            return participant
    if not display_name:
        raise OpError("invalid", "กรุณาใส่ชื่อที่แสดง (display_name is required)")
    with transaction.atomic():
        participant = Participant.objects.create(workshop=workshop, display_name=display_name)
        _workshop_consent(participant)
    return participant


def _workshop_consent(participant: Participant) -> None:
    """PDPA: joining a board is consent to the use of one's notes (the join form says so)."""
    consent_record(
        user=participant.user,
        purpose="workshop",
        subject=f"workshops.participant:{participant.pk}",
    )


def participant_connected(*, participant_id: int) -> None:
    Participant.objects.filter(pk=participant_id).update(
        connections=F("connections") + 1, last_seen_at=timezone.now()
    )


def participant_disconnected(*, participant_id: int) -> None:
    Participant.objects.filter(pk=participant_id, connections__gt=0).update(
        connections=F("connections") - 1, last_seen_at=timezone.now()
    )


# --- Board operations --------------------------------------------------------------------------


@dataclass
class Actor:
    participant: Participant | None
    user: object = None
    facilitator: bool = False

    @property
    def id(self):
        return self.participant.pk if self.participant else None

    @property
    def display_name(self) -> str:
        if self.participant:
            return self.participant.display_name
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user.public_name
        return ""


def _lock_and_allocate(workshop_id: int) -> Workshop:
    """First statement of every op: take the workshop's write lock and reserve the next seq."""
    updated = Workshop.objects.filter(pk=workshop_id).update(last_seq=F("last_seq") + 1)
    if not updated:
        raise OpError("invalid", "ไม่พบเวิร์กช็อป (workshop not found)")
    return Workshop.objects.get(pk=workshop_id)


def _append_event(
    workshop: Workshop, op: str, actor: Actor, data: dict, client_id: str, *, publish: bool = True
) -> Event:
    event = Event.objects.create(
        workshop=workshop,
        seq=workshop.last_seq,
        op=op,
        actor=actor.participant,
        actor_name=actor.display_name,
        data=data,
        client_id=client_id or "",
    )
    if publish:
        message = event.as_message()
        transaction.on_commit(lambda: broadcast(workshop.pk, message))
    return event


def _text(value, *, field: str, max_chars: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OpError("invalid", f"กรุณาใส่ข้อความ ({field} must be a non-empty string)")
    value = value.strip()
    if len(value) > max_chars:
        raise OpError("invalid", f"ข้อความยาวเกิน {max_chars} ตัวอักษร ({field} too long)")
    return value


def _int_id(value, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise OpError("invalid", f"รหัสไม่ถูกต้อง ({field} must be a positive integer)")
    return value


def _number(value, *, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OpError("invalid", f"ตำแหน่งไม่ถูกต้อง ({field} must be a number)")
    if not -100000 <= value <= 100000:
        raise OpError("invalid", f"ตำแหน่งอยู่นอกบอร์ด ({field} out of range)")
    return float(value)


def _note(workshop: Workshop, note_id) -> Note:
    note_id = _int_id(note_id, field="note_id")
    note = Note.objects.select_related("author").filter(workshop=workshop, pk=note_id).first()
    if note is None:
        raise OpError("invalid", "ไม่พบโน้ตนี้ (no such note)")
    return note


def _cluster(workshop: Workshop, cluster_id) -> Cluster:
    cluster_id = _int_id(cluster_id, field="cluster_id")
    cluster = Cluster.objects.filter(workshop=workshop, pk=cluster_id).first()
    if cluster is None:
        raise OpError("invalid", "ไม่พบกลุ่มนี้ (no such cluster)")
    return cluster


def _require_own(note: Note, actor: Actor) -> None:
    if not actor.facilitator and note.author_id != actor.id:
        raise OpError("forbidden", "แก้ไขได้เฉพาะโน้ตของตนเอง (only your own notes)")


def _search_text(text: str) -> str:
    from nlp.services import search_text

    return search_text(text)


def note_dict(note: Note) -> dict:
    return {
        "id": note.pk,
        "note_id": note.pk,
        "text": note.text,
        "column": note.column,
        "phase": note.phase_index,
        "x": note.x,
        "y": note.y,
        "cluster_id": note.cluster_id,
        "author": {"id": note.author_id, "display_name": note.author.display_name},
        "promoted_idea_id": getattr(note, "promoted_idea_id", None),
    }


def cluster_dict(cluster: Cluster) -> dict:
    return {
        "id": cluster.pk,
        "cluster_id": cluster.pk,
        "title": cluster.title,
        "promoted_idea_id": getattr(cluster, "promoted_idea_id", None),
    }


def _op_note_add(ws, actor, payload):
    text = _text(payload.get("text"), field="text", max_chars=MAX_NOTE_CHARS)
    column = payload.get("column", "")
    if column is None:
        column = ""
    if not isinstance(column, str) or len(column) > 60:
        raise OpError("invalid", "คอลัมน์ไม่ถูกต้อง (column must be a short string)")
    x = _number(payload.get("x", 0), field="x")
    y = _number(payload.get("y", 0), field="y")
    note = Note.objects.create(
        workshop=ws,
        author=actor.participant,
        text=text,
        search_text=payload.get("_search_text") or _search_text(text),
        column=column.strip(),
        phase_index=ws.phase_index,
        x=x,
        y=y,
    )
    return note_dict(note)


def _op_note_edit(ws, actor, payload):
    note = _note(ws, payload.get("note_id"))
    _require_own(note, actor)
    text = _text(payload.get("text"), field="text", max_chars=MAX_NOTE_CHARS)
    note.text = text
    note.search_text = payload.get("_search_text") or _search_text(text)
    note.save(update_fields=["text", "search_text", "updated_at"])
    return note_dict(note)


def _op_note_move(ws, actor, payload):
    note = _note(ws, payload.get("note_id"))
    _require_own(note, actor)
    note.x = _number(payload.get("x"), field="x")
    note.y = _number(payload.get("y"), field="y")
    note.save(update_fields=["x", "y", "updated_at"])
    return note_dict(note)


def _op_note_delete(ws, actor, payload):
    note = _note(ws, payload.get("note_id"))
    _require_own(note, actor)
    note_id = note.pk
    note.delete()
    return {"note_id": note_id}


def _op_cluster_create(ws, actor, payload):
    title = _text(payload.get("title"), field="title", max_chars=MAX_TITLE_CHARS)
    cluster = Cluster.objects.create(workshop=ws, title=title, created_by=actor.participant)
    return cluster_dict(cluster)


def _op_cluster_assign(ws, actor, payload):
    note = _note(ws, payload.get("note_id"))
    _require_own(note, actor)
    if "cluster_id" not in payload:
        raise OpError("invalid", "กรุณาระบุกลุ่ม (cluster_id is required, may be null)")
    cluster_id = payload.get("cluster_id")
    cluster = None if cluster_id is None else _cluster(ws, cluster_id)
    note.cluster = cluster
    note.save(update_fields=["cluster", "updated_at"])
    return {"note_id": note.pk, "cluster_id": cluster.pk if cluster else None}


def _votes_used(ws, participant) -> int:
    return DotVote.objects.filter(workshop=ws, participant=participant).count()


def _op_vote_cast(ws, actor, payload):
    note = _note(ws, payload.get("note_id"))
    used = _votes_used(ws, actor.participant)
    if used >= ws.dot_votes_per_person:
        raise OpError("no_votes_left", "ใช้จุดโหวตครบแล้ว (no dot votes left)")
    DotVote.objects.create(workshop=ws, note=note, participant=actor.participant)
    return {
        "note_id": note.pk,
        "count": note.votes.count(),
        "voter_id": actor.id,
        "voter_votes_left": ws.dot_votes_per_person - used - 1,
    }


def _op_vote_retract(ws, actor, payload):
    note = _note(ws, payload.get("note_id"))
    vote = DotVote.objects.filter(note=note, participant=actor.participant).order_by("-pk").first()
    if vote is None:
        raise OpError("invalid", "คุณยังไม่ได้โหวตโน้ตนี้ (you have no vote on this note)")
    vote.delete()
    return {
        "note_id": note.pk,
        "count": note.votes.count(),
        "voter_id": actor.id,
        "voter_votes_left": ws.dot_votes_per_person - _votes_used(ws, actor.participant),
    }


def _op_phase_set(ws, actor, payload):
    phase = payload.get("phase")
    if isinstance(phase, int) and not isinstance(phase, bool) and 0 <= phase < len(ws.phases):
        index = phase
    elif isinstance(phase, str) and phase in ws.phases:
        index = ws.phases.index(phase)
    else:
        raise OpError("invalid", "ไม่มีขั้นตอนนี้ (phase must be one of phases)")
    ws.phase_index = index
    ws.save(update_fields=["phase_index"])
    return {"phase": ws.phase, "phase_index": index}


def _op_timer_start(ws, actor, payload):
    seconds = payload.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise OpError("invalid", "กรุณาระบุจำนวนวินาที (seconds must be a number)")
    if not 1 <= seconds <= MAX_TIMER_SECONDS:
        raise OpError("invalid", "เวลาต้องอยู่ระหว่าง 1 วินาที ถึง 4 ชั่วโมง (seconds: 1..14400)")
    ws.timer_ends_at = timezone.now() + timedelta(seconds=seconds)
    ws.save(update_fields=["timer_ends_at"])
    ends_at = ws.timer_ends_at.isoformat()
    return {"ends_at": ends_at, "seconds": seconds, "timer": {"ends_at": ends_at}}


def _op_timer_stop(ws, actor, payload):
    ws.timer_ends_at = None
    ws.save(update_fields=["timer_ends_at"])
    return {"ends_at": None, "timer": None}


def _op_lock(ws, actor, payload):
    locked = payload.get("locked")
    if not isinstance(locked, bool):
        raise OpError("invalid", "locked ต้องเป็น true หรือ false (locked must be a boolean)")
    ws.locked = locked
    ws.save(update_fields=["locked"])
    return {"locked": locked}


def _promotion_texts(ws, note=None, cluster=None) -> tuple[str, str]:
    """Title and body for the idea made from a note or a cluster (with its notes)."""
    source = f"จากเวิร์กช็อป “{ws.title}” (รหัส {ws.code})"
    if note is not None:
        text = " ".join(note.text.split())
        title = text if len(text) <= 120 else text[:119] + "…"
        if len(title) < 5:
            title = f"{title} ({ws.title})"[:200]
        body = f"{note.text}\n\n{source}"
        return title, body
    lines = [f"- {n.text}" for n in cluster.notes.order_by("pk")]
    body = f"{cluster.title}\n" + "\n".join(lines) + f"\n\n{source}"
    title = cluster.title if len(cluster.title) >= 5 else f"{cluster.title} ({ws.title})"[:200]
    return title, body[:5000]


def _op_promote(ws, actor, payload):
    """Turn a note or a cluster into an idea in one of the agency's campaigns."""
    from ideas import services as idea_services
    from ideas.models import IdeaCampaignPage

    has_note, has_cluster = "note_id" in payload, "cluster_id" in payload
    if has_note == has_cluster:
        raise OpError("invalid", "ระบุ note_id หรือ cluster_id อย่างใดอย่างหนึ่ง (note_id or cluster_id)")
    campaign_id = _int_id(payload.get("campaign"), field="campaign")
    campaign = IdeaCampaignPage.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise OpError("invalid", "ไม่พบแคมเปญ (no such campaign)")
    if campaign.agency_id != ws.agency_id:
        raise OpError("forbidden", "แคมเปญต้องเป็นของหน่วยงานเดียวกัน (campaign of another agency)")
    note = _note(ws, payload.get("note_id")) if has_note else None
    cluster = None if has_note else _cluster(ws, payload.get("cluster_id"))
    target = note or cluster
    if target.promoted_idea_id:
        raise OpError("invalid", "ยกระดับเป็นข้อเสนอไปแล้ว (already promoted)")
    title, body = _promotion_texts(ws, note=note, cluster=cluster)
    try:
        idea = idea_services.idea_create(
            campaign=campaign,
            author=actor.user,
            title=title,
            body=body,
            consent=True,
            origin="workshop",
        )
    except idea_services.IdeaError as exc:
        code = "forbidden" if getattr(exc, "status", 400) == 403 else "invalid"
        raise OpError(code, str(exc)) from exc
    target.promoted_idea = idea
    target.save(update_fields=["promoted_idea"])
    data = {"idea_id": idea.pk, "campaign": campaign.pk, "title": idea.title}
    try:
        data["idea_url"] = idea.get_absolute_url()
    except Exception:  # the idea page URL is the ideas app's business; the id is enough
        data["idea_url"] = None
    data["note_id" if note else "cluster_id"] = target.pk
    return data


# op name -> (handler, facilitator only)
OPS = {
    "note.add": (_op_note_add, False),
    "note.edit": (_op_note_edit, False),
    "note.move": (_op_note_move, False),
    "note.delete": (_op_note_delete, False),
    "cluster.create": (_op_cluster_create, False),
    "cluster.assign": (_op_cluster_assign, False),
    "vote.cast": (_op_vote_cast, False),
    "vote.retract": (_op_vote_retract, False),
    "phase.set": (_op_phase_set, True),
    "timer.start": (_op_timer_start, True),
    "timer.stop": (_op_timer_stop, True),
    "lock": (_op_lock, True),
    "promote": (_op_promote, True),
}


def workshop_op(
    *,
    workshop_id: int,
    actor: Actor,
    op: str,
    payload: dict,
    client_id: str = "",
    publish: bool = True,
) -> Event:
    """Apply one board operation and append its event (raises OpError; nothing is stored then).

    The event is broadcast after the commit; with ``publish=False`` the caller does it (the
    consumer publishes from its event loop, so this thread is free for the next operation)."""
    if op not in OPS:
        raise OpError("invalid", f"ไม่รู้จักคำสั่ง {op[:40]!r} (unknown op)")
    if op in ("note.add", "note.edit") and isinstance(payload.get("text"), str):
        # Tokenising Thai is the slow part: do it before the transaction takes the workshop's lock.
        from nlp.services import search_text

        payload = {**payload, "_search_text": search_text(payload["text"].strip())}
    with transaction.atomic():
        return _workshop_op(workshop_id, actor, op, payload, client_id, publish)


def _workshop_op(workshop_id, actor, op, payload, client_id, publish) -> Event:
    handler, facilitator_only = OPS[op]
    if facilitator_only and not actor.facilitator:
        raise OpError("forbidden", "เฉพาะกระบวนกรเท่านั้น (facilitator only)")
    if actor.participant is None:
        raise OpError("forbidden", "กรุณาเข้าร่วมก่อน (join first)")
    ws = _lock_and_allocate(workshop_id)
    if not actor.facilitator:
        if not ws.board_open:
            raise OpError("locked", "เวิร์กช็อปนี้ไม่เปิดให้แก้ไขบอร์ด (the board is closed)")
        if ws.locked:
            raise OpError("locked", "กระบวนกรล็อกบอร์ดไว้ (the board is locked)")
    data = handler(ws, actor, payload)
    return _append_event(ws, op, actor, data, client_id, publish=publish)


@transaction.atomic
def workshop_set_status(*, workshop: Workshop, user, status: str) -> Workshop:
    """Open (live), close (finished), or move back to upcoming/draft. Appends a `status` event."""
    if status not in Workshop.Status.values:
        raise ValueError("สถานะไม่ถูกต้อง (invalid status)")
    ws = _lock_and_allocate(workshop.pk)
    previous = ws.status
    ws.status = status
    now = timezone.now()
    if status == Workshop.Status.LIVE and ws.opened_at is None:
        ws.opened_at = now
    if status == Workshop.Status.FINISHED:
        ws.finished_at = now
        ws.timer_ends_at = None
    ws.save(update_fields=["status", "opened_at", "finished_at", "timer_ends_at"])
    participant = Participant.objects.filter(workshop=ws, user=user).first()
    actor = Actor(participant=participant, user=user, facilitator=True)
    _append_event(ws, "status", actor, {"status": status}, "")
    audit_log(
        actor=user,
        action="workshop.status",
        target=ws,
        agency=ws.agency,
        from_status=previous,
        to_status=status,
    )
    return ws
