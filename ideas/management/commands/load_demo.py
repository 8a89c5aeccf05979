"""Bulk-generate realistic Thai ideas, votes and comments for benchmarks (see bench/README.md).

    python manage.py load_demo --ideas 10000 --votes 100000 --comments 20000

Each run ADDS the requested numbers on top of what is there (it is not a "make it N" command):
``--ideas`` new ideas spread over the live idea campaigns of the demo agencies, ``--votes`` new
votes (unique per idea and user; pairs that already exist are skipped, so the final number can be
a little lower on a re-run) and ``--comments`` new comments (about one in five a reply). Votes and
comments go to the ideas created in this run, or to all existing ideas when ``--ideas 0``.
Voters and authors are bench users ``load-NNNNN@load.ruamkid.example`` (no usable password),
created as needed. The demo agencies and campaigns come from ``seed_demo``, which is run first
when there is no idea campaign yet.

Ideas get ``search_text`` from the nlp pipeline (the same tokeniser as live ideas) and, with
``--tags lexical`` (default), tags + keywords from the nlp tagger's TF-IDF classifier in batches;
``--tags full`` adds the sentence-encoder half of the tagger (much slower: ~25 texts/s on the
2-core bench machine), ``--tags none`` stores search text only. ``vote_count`` and
``comment_count`` are recomputed from the rows (exact) for every idea touched.
"""

import random
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.test.utils import override_settings
from django.utils import timezone

from ideas import cache as listing_cache
from ideas.models import (
    Comment,
    Idea,
    IdeaCampaignPage,
    IdeaStatus,
    IdeaTag,
    Vote,
    idea_analysis_text,
)
from portal.models import User

BATCH = 1000
USER_DOMAIN = "load.ruamkid.example"

# --- text material ---------------------------------------------------------------------------
# Real service problems (the same kinds citizens send to Thai hospitals, municipalities and
# district offices), combined with places, times, people and suggestions so texts vary.

HOSPITAL = {
    "problems": [
        ("รอคิวยื่นบัตรนานมาก", "ต้องมายื่นบัตรตั้งแต่ตีห้า กว่าจะได้คิวก็เกือบเก้าโมง"),
        ("ห้องยาจ่ายยาช้า", "หลังพบแพทย์แล้วต้องรอรับยาอีกเกือบสองชั่วโมง"),
        ("ที่จอดรถไม่พอ", "วนหาที่จอดรถนานกว่าครึ่งชั่วโมงจนเกือบพลาดเวลานัด"),
        ("ไม่รู้ว่าจะถึงคิวเมื่อไร", "ได้บัตรคิวแล้วไม่มีจอบอกลำดับ ไม่กล้าลุกไปไหน"),
        ("เจาะเลือดต้องรอหลายจุด", "ต้องเดินไปรับใบนัด เจาะเลือด แล้วกลับมารอผลหลายรอบ"),
        ("นัดหมอซ้ำทั้งที่อาการคงที่", "ผู้ป่วยโรคเรื้อรังต้องมาโรงพยาบาลทุกเดือนเพื่อรับยาเดิม"),
        ("ป้ายบอกทางสับสน", "ตึกใหม่กับตึกเก่าเชื่อมกันแต่ป้ายไม่ตรงกัน คนไข้เดินหลงบ่อย"),
        ("ห้องน้ำไม่พอและไม่สะอาด", "ช่วงเช้าคนเยอะ ห้องน้ำชั้นล่างมีน้อยและไม่มีกระดาษชำระ"),
        ("เก้าอี้นั่งรอไม่พอ", "ผู้สูงอายุต้องยืนรอหน้าห้องตรวจเป็นชั่วโมง"),
        ("โทรนัดหมายติดยาก", "โทรเข้าเบอร์นัดหมายไม่มีคนรับสายหลายวันติดกัน"),
        ("ค่าใช้จ่ายไม่ชัดเจน", "ไม่รู้ล่วงหน้าว่าสิทธิบัตรทองครอบคลุมรายการไหนบ้าง"),
        ("ห้องฉุกเฉินแออัด", "ผู้ป่วยไม่ฉุกเฉินมาใช้ห้องฉุกเฉินเพราะแผนกผู้ป่วยนอกปิดเร็ว"),
    ],
    "places": [
        "แผนกผู้ป่วยนอก",
        "ห้องยา",
        "ตึกอายุรกรรม",
        "คลินิกเบาหวาน",
        "ห้องแล็บชั้นสอง",
        "จุดคัดกรอง",
        "ลานจอดรถด้านหลัง",
        "ตึกเฉลิมพระเกียรติ",
        "คลินิกนอกเวลา",
        "ห้องฉุกเฉิน",
    ],
    "suggestions": [
        "อยากให้มีระบบนัดหมายออนไลน์ผ่านไลน์หรือเว็บไซต์",
        "ควรมีจอแสดงลำดับคิวและแจ้งเตือนทาง SMS",
        "เสนอให้มีช่องรับยาด่วนสำหรับยาเดิมของผู้ป่วยโรคเรื้อรัง",
        "ควรส่งยาทางไปรษณีย์ให้ผู้ป่วยที่อาการคงที่",
        "อยากให้เปิดคลินิกนอกเวลาช่วงเย็นและวันเสาร์",
        "ควรมีอาสาสมัครช่วยพาผู้สูงอายุไปแต่ละจุด",
        "ขอให้ทำแผนที่และป้ายสีนำทางบนพื้น",
        "ควรสแกน QR บนบัตรคิวแล้วดูสถานะคิวในมือถือได้",
        "อยากให้มีรถรับส่งจากลานจอดรถนอกโรงพยาบาล",
        "เสนอให้ใช้ระบบแพทย์ทางไกลสำหรับการติดตามอาการ",
    ],
}

CITY = {
    "problems": [
        ("ทางเท้าชำรุดเดินลำบาก", "แผ่นปูทางเท้าแตกและยกตัว ผู้สูงอายุสะดุดล้มบ่อย"),
        ("ไฟส่องสว่างดับหลายจุด", "กลางคืนมืดมาก เดินกลับบ้านแล้วไม่รู้สึกปลอดภัย"),
        ("ขยะล้นถังไม่มีคนเก็บ", "รถเก็บขยะมาไม่ตรงเวลา ขยะล้นถังส่งกลิ่นเหม็น"),
        ("น้ำท่วมขังหลังฝนตก", "ฝนตกไม่ถึงชั่วโมงน้ำก็ท่วมถนน ท่อระบายน้ำอุดตัน"),
        ("ทางข้ามถนนอันตราย", "รถวิ่งเร็วและไม่หยุดให้คนข้าม ไม่มีสัญญาณไฟ"),
        ("รถจอดบนทางเท้า", "ร้านค้าและรถกระบะจอดบนทางเท้าจนต้องเดินลงถนน"),
        ("สายไฟระโยงระยาง", "สายไฟและสายสื่อสารห้อยต่ำ ดูไม่ปลอดภัยและไม่สวยงาม"),
        ("สวนสาธารณะไม่มีร่มเงา", "ต้นไม้น้อย ม้านั่งร้อน เด็กและผู้สูงอายุใช้ไม่ได้ช่วงกลางวัน"),
        ("ทางลาดสำหรับรถเข็นไม่มี", "คนพิการและผู้ใช้รถเข็นขึ้นทางเท้าไม่ได้"),
        ("สุนัขจรจัดเยอะ", "สุนัขจรจัดไล่กัดเด็กนักเรียนตอนเช้า"),
        ("ป้ายรถเมล์ไม่มีหลังคา", "รอรถเมล์กลางแดดและฝน ไม่มีข้อมูลเวลารถ"),
        ("ถนนเป็นหลุมเป็นบ่อ", "หลุมบนถนนลึกมาก รถจักรยานยนต์ล้มไปหลายคันแล้ว"),
    ],
    "places": [
        "ซอยเทศบาล 5",
        "ถนนมิตรภาพ",
        "หน้าตลาดสด",
        "ชุมชนริมคลอง",
        "หน้าโรงเรียนเทศบาล 2",
        "สวนสาธารณะหนองบัว",
        "ย่านเมืองเก่า",
        "หน้าสถานีขนส่ง",
        "ถนนศรีจันทร์",
        "ชุมชนหลังวัดกลาง",
    ],
    "suggestions": [
        "ควรซ่อมทางเท้าและทำให้เรียบเสมอกัน",
        "อยากให้ติดไฟ LED และกล้องวงจรปิดเพิ่ม",
        "เสนอให้มีแอปแจ้งปัญหาพร้อมรูปถ่ายและพิกัด",
        "ควรกำหนดเวลาเก็บขยะให้ชัดเจนและประกาศให้ชุมชนรู้",
        "ขอให้ขุดลอกท่อระบายน้ำก่อนหน้าฝน",
        "ควรทาสีทางม้าลายใหม่และติดไฟกะพริบ",
        "อยากให้ปลูกต้นไม้ใหญ่และเพิ่มม้านั่งในที่ร่ม",
        "ควรทำทางลาดตามมาตรฐานทุกทางข้าม",
        "เสนอให้ร่วมกับปศุสัตว์ทำหมันและฉีดวัคซีนสุนัข",
        "ควรนำสายไฟลงใต้ดินในย่านเมืองเก่า",
    ],
}

DISTRICT = {
    "problems": [
        ("ทำบัตรประชาชนรอนาน", "ไปทำบัตรประชาชนใหม่ต้องรอคิวครึ่งวัน ต้องลางานมา"),
        ("แจ้งย้ายต้องใช้เอกสารเยอะ", "ต้องถ่ายเอกสารหลายชุดทั้งที่ข้อมูลอยู่ในระบบแล้ว"),
        ("เปิดทำการเฉพาะเวลางาน", "คนทำงานประจำมาไม่ทันเพราะปิดสี่โมงครึ่ง"),
        ("ไม่รู้ว่าต้องเตรียมเอกสารอะไร", "มาแล้วเอกสารไม่ครบต้องกลับไปเอาใหม่"),
        ("คิวบริการไม่เป็นระบบ", "บางคนแซงคิว ไม่มีบัตรคิวหรือจอเรียก"),
        ("ขอสำเนาทะเบียนบ้านยุ่งยาก", "ต้องมาด้วยตัวเองทุกครั้งแม้แค่ขอเอกสารรับรอง"),
        ("เจ้าหน้าที่ไม่พอช่วงเช้า", "เปิดให้บริการแค่สองช่องทั้งที่คนรอเต็มห้อง"),
        ("ที่ว่าการอำเภอเดินทางลำบาก", "ไม่มีรถโดยสารผ่าน ผู้สูงอายุต้องเหมารถมา"),
        ("แจ้งเกิดแจ้งตายหลายขั้นตอน", "ญาติต้องวิ่งหลายหน่วยงานในวันที่ลำบากใจ"),
        ("ข้อมูลบนเว็บไซต์ไม่อัปเดต", "เว็บไซต์บอกเวลาทำการผิดและเบอร์โทรติดต่อไม่ได้"),
    ],
    "places": [
        "งานทะเบียนราษฎร",
        "ช่องบริการบัตรประชาชน",
        "ที่ว่าการอำเภอบางน้ำใส",
        "หน่วยบริการเคลื่อนที่",
        "ตำบลบ้านใหม่",
        "ตำบลคลองหลวง",
        "จุดบริการในห้างสรรพสินค้า",
        "ศูนย์บริการร่วม",
    ],
    "suggestions": [
        "อยากให้จองคิวออนไลน์ล่วงหน้าได้",
        "ควรเปิดบริการวันเสาร์หรือช่วงพักกลางวัน",
        "เสนอให้ทำรายการเอกสารที่ต้องใช้ในแต่ละงานติดไว้และลงไลน์",
        "ควรใช้แอป ThaiD ยืนยันตัวตนแทนสำเนาเอกสาร",
        "อยากให้มีหน่วยบริการเคลื่อนที่ไปตามตำบล",
        "ควรเพิ่มช่องบริการในช่วงเช้าที่คนเยอะ",
        "เสนอให้ขอเอกสารรับรองทางออนไลน์และส่งทางอีเมล",
        "ควรมีบริการเบ็ดเสร็จจุดเดียวสำหรับแจ้งเกิดและแจ้งตาย",
    ],
}

DOMAINS = {"sisuk-hospital": HOSPITAL, "muangmai-city": CITY, "bangnamsai-district": DISTRICT}
TIMES = [
    "ทุกวันจันทร์",
    "ช่วงเช้า",
    "ช่วงเปิดเทอม",
    "หลังฝนตก",
    "ตอนเย็นหลังเลิกงาน",
    "ช่วงต้นเดือน",
    "วันหยุดยาว",
    "ตลอดสัปดาห์ที่ผ่านมา",
]
WHO = [
    "ผู้สูงอายุ",
    "แม่ที่พาลูกเล็กมา",
    "คนพิการที่ใช้รถเข็น",
    "คนทำงานรายวัน",
    "นักเรียน",
    "ผู้ป่วยโรคเรื้อรัง",
    "คนที่ไม่มีรถส่วนตัว",
]
ENDINGS = ["ค่ะ", "ครับ", "", "นะคะ", "ขอบคุณครับ", "ฝากพิจารณาด้วยค่ะ"]
COMMENTS = [
    "เห็นด้วยอย่างยิ่งค่ะ เจอปัญหาเดียวกันเลย",
    "สนับสนุนครับ ถ้าทำได้จะช่วยคนได้อีกมาก",
    "เคยเจอแบบนี้เมื่อเดือนที่แล้ว รอนานมากจริง ๆ",
    "อยากให้ทำเป็นโครงการนำร่องก่อนสักสามเดือน",
    "ขอเพิ่มเติมว่าควรคิดถึงผู้สูงอายุที่ใช้มือถือไม่เป็นด้วย",
    "ดีครับ แต่ต้องมีงบประมาณและคนดูแลต่อเนื่อง",
    "ที่ชุมชนเราก็เป็นแบบนี้ อยากให้แก้พร้อมกันทั้งเขต",
    "เห็นด้วยบางส่วนค่ะ แต่ควรสอบถามเจ้าหน้าที่หน้างานก่อน",
    "ถ้ามีระบบออนไลน์ อย่าลืมช่องทางโทรศัพท์สำหรับคนที่ไม่ถนัด",
    "ขอบคุณที่เสนอเรื่องนี้ครับ รอฟังคำตอบจากหน่วยงาน",
    "เคยเห็นที่จังหวัดอื่นทำแล้วได้ผลดีมาก",
    "ควรกำหนดตัวชี้วัดให้ชัด เช่น เวลารอเฉลี่ยลดลงกี่นาที",
]
REPLIES = [
    "เห็นด้วยกับความเห็นนี้ครับ",
    "จริงค่ะ ลืมคิดเรื่องนี้ไปเลย",
    "ขอบคุณที่ช่วยเสริมนะคะ",
    "ใช่ครับ ควรทำควบคู่กันไป",
]
RESPONSES = {
    IdeaStatus.UNDER_REVIEW: "หน่วยงานรับเรื่องแล้ว อยู่ระหว่างศึกษาความเป็นไปได้และงบประมาณ",
    IdeaStatus.ACCEPTED: "ขอบคุณสำหรับข้อเสนอ หน่วยงานบรรจุไว้ในแผนปรับปรุงบริการปีงบประมาณหน้า",
    IdeaStatus.IN_PROGRESS: "เริ่มดำเนินการแล้ว คาดว่าจะแล้วเสร็จภายในไตรมาสนี้",
    IdeaStatus.IMPLEMENTED: "ดำเนินการเรียบร้อยแล้ว ขอบคุณที่ร่วมเสนอความคิด",
    IdeaStatus.REJECTED: "ขออภัย ข้อเสนอนี้อยู่นอกอำนาจหน้าที่ของหน่วยงาน จึงส่งต่อให้หน่วยงานที่เกี่ยวข้อง",
}
STATUS_WEIGHTS = [
    (IdeaStatus.SUBMITTED, 70),
    (IdeaStatus.UNDER_REVIEW, 10),
    (IdeaStatus.ACCEPTED, 6),
    (IdeaStatus.IN_PROGRESS, 5),
    (IdeaStatus.IMPLEMENTED, 4),
    (IdeaStatus.REJECTED, 3),
    (IdeaStatus.HIDDEN, 2),
]


def idea_text(rng: random.Random, domain: dict) -> tuple[str, str]:
    """A Thai (title, body) from a real service problem + place + people + suggestion."""
    problem, detail = rng.choice(domain["problems"])
    place = rng.choice(domain["places"])
    suggestion = rng.choice(domain["suggestions"])
    title = rng.choice(
        [
            f"{problem}ที่{place}",
            f"{suggestion}",
            f"{problem} ({place})",
            f"ขอให้แก้ปัญหา{problem}",
        ]
    )[:200]
    sentences = [
        f"{detail} โดยเฉพาะที่{place}{rng.choice(TIMES)}",
        f"{rng.choice(WHO)}ลำบากมาก",
        f"{suggestion}{rng.choice(ENDINGS)}",
    ]
    if rng.random() < 0.5:
        other_problem, other_detail = rng.choice(domain["problems"])
        sentences.insert(1, f"อีกเรื่องคือ{other_problem} {other_detail}")
    if rng.random() < 0.3:
        sentences.append(f"ปัจจุบันใช้เวลาประมาณ {rng.randint(2, 6)} ชั่วโมงต่อครั้ง")
    return title, " ".join(sentences)


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = (
        "Bulk-create realistic Thai ideas/votes/comments for benchmarks; each run ADDS the given "
        "numbers (runs seed_demo first when there is no idea campaign)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ideas", type=int, required=True, help="new ideas to add")
        parser.add_argument("--votes", type=int, default=0, help="new votes to add")
        parser.add_argument("--comments", type=int, default=0, help="new comments to add")
        parser.add_argument(
            "--tags",
            choices=["lexical", "full", "none"],
            default="lexical",
            help="tagger for new ideas (default: lexical TF-IDF; full adds the sentence encoder)",
        )
        parser.add_argument("--users", type=int, default=0, help="size of the voter pool")
        parser.add_argument("--seed", type=int, default=None, help="random seed (reproducible)")

    def log(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    def handle(self, *args, ideas, votes, comments, tags, users, seed, **options):
        if min(ideas, votes, comments, users) < 0:
            raise CommandError("numbers must be ≥ 0")
        self.started = time.monotonic()
        self.rng = random.Random(seed)
        campaigns = self.campaigns()
        pool = self.voter_pool(users or max(200, min(5000, votes // 20 + 1), 1))
        new_ideas = self.create_ideas(ideas, campaigns, pool) if ideas else []
        if new_ideas:
            self.analyse(new_ideas, tags)
        targets = new_ideas or list(
            Idea.objects.exclude(status=IdeaStatus.HIDDEN).values_list("pk", "created_at")
        )
        if (votes or comments) and not targets:
            raise CommandError("no ideas to vote on or comment on: use --ideas N")
        if votes:
            self.create_votes(votes, targets, pool)
        if comments:
            self.create_comments(comments, targets, pool)
        touched = [pk for pk, _ in targets]
        self.recount(touched)
        listing_cache.everything_changed()  # bulk inserts send no signals: drop cached listings
        total = Idea.objects.count()
        self.log(
            f"done: +{len(new_ideas)} ideas (total {total:,}), "
            f"votes {Vote.objects.count():,}, comments {Comment.objects.count():,}"
        )

    # --- setup -------------------------------------------------------------------------------

    def campaigns(self) -> list[IdeaCampaignPage]:
        qs = IdeaCampaignPage.objects.live().filter(agency__isnull=False).select_related("agency")
        if not qs.exists():
            self.log("no idea campaign yet: running seed_demo")
            call_command("seed_demo", quiet_logins=True, stdout=self.stdout)
        found = list(qs.order_by("pk"))
        if not found:
            raise CommandError("no live idea campaign with an agency (run seed_demo)")
        return found

    def voter_pool(self, size: int) -> list[int]:
        existing = User.objects.filter(email__endswith=f"@{USER_DOMAIN}").count()
        if existing < size:
            first_names = ["สมชาย", "สมหญิง", "วิไล", "ประเสริฐ", "อรุณี", "ณัฐ", "กาญจนา", "ธีระ"]
            last_names = ["ใจดี", "รักไทย", "มั่นคง", "ศรีสุข", "บุญมา", "แสงทอง", "พูลผล"]
            rows = []
            for n in range(existing, size):
                email = f"load-{n:05d}@{USER_DOMAIN}"
                user = User(
                    username=email,
                    email=email,
                    display_name=f"{first_names[n % 8]} {last_names[n % 7]} {n}",
                )
                user.set_unusable_password()
                rows.append(user)
            for batch in _batches(rows):
                User.objects.bulk_create(batch, ignore_conflicts=True)
            self.log(f"voter pool: +{len(rows)} users")
        return list(
            User.objects.filter(email__endswith=f"@{USER_DOMAIN}")
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )

    # --- ideas -------------------------------------------------------------------------------

    def create_ideas(self, n: int, campaigns, pool: list[int]) -> list[tuple[int, object]]:
        rng = self.rng
        now = timezone.now()
        statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
        rows = []
        for _ in range(n):
            campaign = rng.choice(campaigns)
            title, body = idea_text(rng, DOMAINS.get(campaign.agency.slug, CITY))
            status = rng.choices(statuses, weights)[0]
            created = now - timedelta(seconds=rng.randint(3600, 60 * 86400))
            response = RESPONSES.get(status, "")
            responded = created + timedelta(days=rng.randint(1, 10)) if response else None
            rows.append(
                Idea(
                    campaign_id=campaign.pk,
                    agency_id=campaign.agency_id,
                    author_id=rng.choice(pool),
                    title=title,
                    body=body,
                    status=status,
                    response_text=response,
                    responded_at=responded,
                    first_response_at=responded,
                    reviewed_at=responded,
                    created_at=created,
                )
            )
        created_ids = []
        for batch in _batches(rows):
            with transaction.atomic():
                created_ids.extend(Idea.objects.bulk_create(batch))
        self.log(f"ideas: +{len(rows)} rows")
        return [(idea.pk, idea.created_at) for idea in created_ids]

    def analyse(self, new_ideas: list[tuple[int, object]], mode: str) -> None:
        """search_text (+ keywords and tags) for the new ideas, in batches, with the nlp app."""
        from ideas.services import tags_for_slugs
        from nlp import pipeline
        from nlp import services as nlp_services

        ids = [pk for pk, _ in new_ideas]
        started, done = time.monotonic(), 0
        for id_batch in _batches(ids, 500):
            ideas = list(Idea.objects.filter(pk__in=id_batch).only("pk", "title", "body", "agency"))
            now = timezone.now()
            if mode == "none":
                for idea in ideas:
                    idea.search_text = pipeline.search_text(f"{idea.title} {idea.body}")
                Idea.objects.bulk_update(ideas, ["search_text"])
            else:
                by_agency: dict[int, list[Idea]] = {}
                for idea in ideas:
                    by_agency.setdefault(idea.agency_id, []).append(idea)
                tag_rows = []
                with override_settings(NLP_TAGGER_SEMANTIC=(mode == "full")):
                    for agency_id, group in by_agency.items():
                        texts = [idea_analysis_text(i.title, i.body) for i in group]
                        analyses = nlp_services.texts_analyse(texts=texts, agency=agency_id)
                        slugs = {t.slug for a in analyses for t in a.tags}
                        tag_map = tags_for_slugs(agency_id=agency_id, slugs=list(slugs))
                        for idea, analysis in zip(group, analyses, strict=True):
                            idea.search_text = analysis.search_text
                            idea.keywords = list(analysis.keywords)[:20]
                            idea.analysed_at = now
                            tag_rows.extend(
                                IdeaTag(
                                    idea_id=idea.pk, tag=tag_map[t.slug], score=round(t.score, 4)
                                )
                                for t in analysis.tags
                                if t.slug in tag_map
                            )
                with transaction.atomic():
                    Idea.objects.bulk_update(ideas, ["search_text", "keywords", "analysed_at"])
                    IdeaTag.objects.bulk_create(tag_rows, ignore_conflicts=True)
            done += len(ideas)
            rate = done / max(time.monotonic() - started, 1e-6)
            self.log(f"nlp ({mode}): {done:,}/{len(ids):,} ideas, {rate:,.0f}/s")

    # --- votes and comments ------------------------------------------------------------------

    def create_votes(self, n: int, targets, pool: list[int]) -> None:
        """Unique (idea, user) pairs, popular ideas get more (a long tail, like real campaigns)."""
        rng = self.rng
        n = min(n, len(targets) * len(pool))
        weights = [1.0 / (rank + 10) ** 0.8 for rank in range(len(targets))]
        order = list(targets)
        rng.shuffle(order)
        pairs: set[tuple[int, int]] = set()
        created_at = {pk: at for pk, at in order}
        attempts = 0
        while len(pairs) < n and attempts < n * 20:
            need = n - len(pairs)
            for (idea_id, _), user_id in zip(
                rng.choices(order, weights, k=need), rng.choices(pool, k=need), strict=True
            ):
                pairs.add((idea_id, user_id))
            attempts += need
        now = timezone.now()
        rows = [
            Vote(
                idea_id=idea_id,
                user_id=user_id,
                created_at=min(now, created_at[idea_id] + timedelta(minutes=rng.randint(1, 20000))),
            )
            for idea_id, user_id in pairs
        ]
        for batch in _batches(rows, 5000):
            with transaction.atomic():
                Vote.objects.bulk_create(batch, ignore_conflicts=True)
        self.log(f"votes: +{len(rows):,} (unique idea/user pairs; existing pairs skipped)")

    def create_comments(self, n: int, targets, pool: list[int]) -> None:
        rng = self.rng
        now = timezone.now()
        n_replies = n // 5
        roots = []
        for idea_id, at in rng.choices(targets, k=n - n_replies):
            roots.append(
                Comment(
                    idea_id=idea_id,
                    author_id=rng.choice(pool),
                    body=rng.choice(COMMENTS),
                    created_at=min(now, at + timedelta(minutes=rng.randint(5, 30000))),
                )
            )
        saved = []
        for batch in _batches(roots):
            with transaction.atomic():
                saved.extend(Comment.objects.bulk_create(batch))
        replies = []
        if saved:
            for parent in rng.choices(saved, k=n_replies):
                replies.append(
                    Comment(
                        idea_id=parent.idea_id,
                        parent_id=parent.pk,
                        author_id=rng.choice(pool),
                        body=rng.choice(REPLIES),
                        created_at=min(
                            now, parent.created_at + timedelta(minutes=rng.randint(1, 600))
                        ),
                    )
                )
            for batch in _batches(replies):
                with transaction.atomic():
                    Comment.objects.bulk_create(batch)
        self.log(f"comments: +{len(saved) + len(replies):,} ({len(replies):,} replies)")

    def recount(self, idea_ids: list[int]) -> None:
        """vote_count / comment_count = COUNT(*) of the rows (visible comments), exactly."""
        votes = (
            Vote.objects.filter(idea=OuterRef("pk"))
            .order_by()
            .values("idea")
            .annotate(n=Count("pk"))
            .values("n")
        )
        comments = (
            Comment.objects.filter(idea=OuterRef("pk"), is_removed=False, is_hidden=False)
            .order_by()
            .values("idea")
            .annotate(n=Count("pk"))
            .values("n")
        )
        zero = Value(0, output_field=IntegerField())
        for batch in _batches(idea_ids, 5000):
            with transaction.atomic():
                Idea.objects.filter(pk__in=batch).update(
                    vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), zero),
                    comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), zero),
                )
        self.log(f"counters recomputed for {len(idea_ids):,} ideas")
