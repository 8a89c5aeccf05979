"""Demo workshops: a finished one with a full board and an open one to try (hospital), and a
finished one for the city (its plan links to it). Idempotent.

Everything goes through the real services, so the demo boards have a gapless event log too.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Workshop, WorkshopAnnouncementPage
from .services import Actor, participant_join, workshop_create, workshop_op, workshop_set_status

FINISHED_TITLE = "ลดเวลารอคอยที่แผนกผู้ป่วยนอก"
OPEN_TITLE = "ออกแบบบริการรับยาใกล้บ้าน"

# cluster title -> [(participant key, note text, dots)]
FINISHED_BOARD = {
    "นัดหมายและคิวออนไลน์": [
        ("citizen", "จองคิวล่วงหน้าผ่าน LINE ได้ จะได้ไม่ต้องมารอตั้งแต่ตีห้า", 5),
        ("anon1", "ส่ง SMS เตือนเมื่อใกล้ถึงคิว 30 นาที", 4),
        ("citizen2", "มีจอแสดงลำดับคิวที่ดูผ่านมือถือได้", 3),
    ],
    "จุดคัดกรองและเอกสาร": [
        ("anon2", "แยกช่องผู้สูงอายุและผู้พิการที่จุดคัดกรอง", 3),
        ("citizen3", "ให้กรอกประวัติเบื้องต้นออนไลน์ก่อนมาถึง", 2),
        ("anon1", "ลดเอกสารที่ต้องถ่ายสำเนา ใช้บัตรประชาชนใบเดียว", 1),
    ],
    "การรับยา": [
        ("citizen", "ส่งยาทางไปรษณีย์สำหรับผู้ป่วยโรคเรื้อรังที่อาการคงที่", 4),
        ("anon2", "เพิ่มช่องรับยาในช่วงเที่ยงที่คนเยอะ", 1),
    ],
}
UNCLUSTERED = [("citizen2", "ที่นั่งรอไม่พอ บางคนต้องยืนนาน", 0)]

# The city's finished workshop (its plan item on street lights links to it).
CITY_TITLE = "ซอยปลอดภัย เดินสบาย"
CITY_BOARD = {
    "ไฟส่องสว่าง": [
        ("citizen", "ติดไฟเพิ่มในซอยเปลี่ยวที่เด็กนักเรียนเดินกลับบ้าน", 4),
        ("anon1", "แจ้งไฟดับผ่าน LINE แล้วให้บอกสถานะการซ่อมด้วย", 4),
        ("citizen2", "ใช้ไฟพลังงานแสงอาทิตย์ในซอยที่ไม่มีเสาไฟ", 2),
    ],
    "ทางเท้า": [
        ("citizen3", "ทำทางลาดที่ทางเท้าทุกแยกสำหรับรถเข็น", 3),
        ("anon2", "จัดระเบียบแผงค้าไม่ให้ขวางทางเท้าหน้าตลาด", 2),
    ],
}
CITY_UNCLUSTERED = [("anon2", "ปลูกต้นไม้ให้ร่มเงาริมทางเดิน", 0)]


def _actor(participants, key, facilitator=False):
    return Actor(
        participant=participants[key], user=participants[key].user, facilitator=facilitator
    )


@transaction.atomic
def _finished_workshop(
    ctx,
    *,
    agency_slug="sisuk-hospital",
    facilitator_key="facilitator",
    title=FINISHED_TITLE,
    challenge="เราจะลดเวลารอคอยที่แผนกผู้ป่วยนอกให้เหลือไม่เกิน 1 ชั่วโมงได้อย่างไร",
    board=FINISHED_BOARD,
    unclustered=UNCLUSTERED,
    guests=("ป้าสมใจ", "นักศึกษาพยาบาล"),
    days_ago=14,
) -> Workshop:
    agency = ctx.agencies[agency_slug]
    facilitator = ctx.users[facilitator_key]
    workshop = workshop_create(
        agency=agency,
        created_by=facilitator,
        title=title,
        challenge=challenge,
        dot_votes_per_person=5,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Workshop.Status.LIVE,
    )
    people = {
        "facilitator": participant_join(workshop=workshop, user=facilitator),
        "citizen": participant_join(workshop=workshop, user=ctx.users["citizen"]),
        "citizen2": participant_join(workshop=workshop, user=ctx.users["citizen2"]),
        "citizen3": participant_join(workshop=workshop, user=ctx.users["citizen3"]),
        "anon1": participant_join(workshop=workshop, display_name=guests[0]),
        "anon2": participant_join(workshop=workshop, display_name=guests[1]),
    }
    fac = _actor(people, "facilitator", facilitator=True)
    workshop_op(workshop_id=workshop.pk, actor=fac, op="phase.set", payload={"phase": 2})
    notes = []
    for cluster_title, items in board.items():
        event = workshop_op(
            workshop_id=workshop.pk,
            actor=fac,
            op="cluster.create",
            payload={"title": cluster_title},
        )
        cluster_id = event.data["id"]
        for key, text, dots in items:
            added = workshop_op(
                workshop_id=workshop.pk,
                actor=_actor(people, key),
                op="note.add",
                payload={"text": text},
            )
            workshop_op(
                workshop_id=workshop.pk,
                actor=fac,
                op="cluster.assign",
                payload={"note_id": added.data["id"], "cluster_id": cluster_id},
            )
            notes.append((added.data["id"], dots))
    for key, text, dots in unclustered:
        added = workshop_op(
            workshop_id=workshop.pk,
            actor=_actor(people, key),
            op="note.add",
            payload={"text": text},
        )
        notes.append((added.data["id"], dots))
    workshop_op(workshop_id=workshop.pk, actor=fac, op="phase.set", payload={"phase": 3})
    # Spread each note's dots over the participants (5 dots each).
    voters = ["citizen", "citizen2", "citizen3", "anon1", "anon2", "facilitator"]
    budget = {key: 5 for key in voters}
    for note_id, dots in notes:
        for _ in range(dots):
            key = max(voters, key=lambda k: budget[k])
            budget[key] -= 1
            workshop_op(
                workshop_id=workshop.pk,
                actor=_actor(people, key, key == "facilitator"),
                op="vote.cast",
                payload={"note_id": note_id},
            )
    _promote_top_cluster(ctx, workshop, fac)
    workshop = workshop_set_status(workshop=workshop, user=facilitator, status="finished")
    Workshop.objects.filter(pk=workshop.pk).update(
        opened_at=workshop.scheduled_at, finished_at=workshop.scheduled_at + timedelta(hours=3)
    )
    return workshop


def _promote_top_cluster(ctx, workshop, fac) -> None:
    try:
        from ideas.models import IdeaCampaignPage
    except ImportError:  # pragma: no cover - ideas is always installed in this project
        return
    campaign = IdeaCampaignPage.objects.filter(agency=workshop.agency).live().first()
    cluster = workshop.clusters.order_by("pk").first()
    if campaign is None or cluster is None:
        return
    workshop_op(
        workshop_id=workshop.pk,
        actor=fac,
        op="promote",
        payload={"cluster_id": cluster.pk, "campaign": campaign.pk},
    )


@transaction.atomic
def _open_workshop(ctx) -> Workshop:
    agency = ctx.agencies["sisuk-hospital"]
    facilitator = ctx.users["facilitator"]
    workshop = workshop_create(
        agency=agency,
        created_by=facilitator,
        title=OPEN_TITLE,
        challenge="เราจะช่วยให้ผู้ป่วยโรคเรื้อรังรับยาได้ใกล้บ้านโดยไม่ต้องมาโรงพยาบาลได้อย่างไร",
        dot_votes_per_person=3,
        scheduled_at=timezone.now() + timedelta(hours=1),
        status=Workshop.Status.LIVE,
    )
    host = participant_join(workshop=workshop, user=facilitator)
    fac = Actor(participant=host, user=facilitator, facilitator=True)
    workshop_op(
        workshop_id=workshop.pk,
        actor=fac,
        op="note.add",
        payload={"text": "ตัวอย่าง: ร้านยาใกล้บ้านที่ร่วมโครงการรับใบสั่งยาจากโรงพยาบาล"},
    )
    return workshop


def _announce(ctx, workshop: Workshop) -> None:
    if WorkshopAnnouncementPage.objects.filter(workshop=workshop).exists():
        return
    parent = ctx.agency_pages.get(workshop.agency.slug)
    if parent is None:
        return
    page = WorkshopAnnouncementPage(
        title=f"เวิร์กช็อป: {workshop.title}",
        slug=f"workshop-{workshop.code.lower()}",
        workshop=workshop,
        intro="ชวนผู้ป่วย ญาติ และเจ้าหน้าที่มาร่วมออกแบบบริการด้วยกันแบบออนไลน์ ใช้โทรศัพท์ก็ร่วมได้",
    )
    parent.add_child(instance=page)
    page.save_revision().publish()


def seed(ctx) -> None:
    agency = ctx.agencies["sisuk-hospital"]
    finished = Workshop.objects.filter(agency=agency, title=FINISHED_TITLE).first()
    if finished is None:
        finished = _finished_workshop(ctx)
    open_workshop = Workshop.objects.filter(agency=agency, title=OPEN_TITLE).first()
    if open_workshop is None:
        open_workshop = _open_workshop(ctx)
    _announce(ctx, open_workshop)
    city = ctx.agencies.get("muangmai-city")
    city_workshop = None
    if city is not None and "city_manager" in ctx.users:
        city_workshop = Workshop.objects.filter(agency=city, title=CITY_TITLE).first()
        if city_workshop is None:
            city_workshop = _finished_workshop(
                ctx,
                agency_slug="muangmai-city",
                facilitator_key="city_manager",
                title=CITY_TITLE,
                challenge="เราจะทำให้ซอยในเขตเทศบาลปลอดภัยและเดินได้สำหรับทุกคนได้อย่างไร",
                board=CITY_BOARD,
                unclustered=CITY_UNCLUSTERED,
                guests=("ลุงประยูร", "ครูโรงเรียนเทศบาล"),
                days_ago=21,
            )
    ctx.log.append(
        f"เวิร์กช็อป: “{finished.title}” (จบแล้ว, รหัส {finished.code}) · "
        f"“{open_workshop.title}” (เปิดอยู่, รหัส {open_workshop.code})"
        + (f" · “{city_workshop.title}” (จบแล้ว, รหัส {city_workshop.code})" if city_workshop else "")
        + " → /workshops/"
    )
