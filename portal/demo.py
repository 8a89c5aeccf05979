"""Thai demo data shared by every app: agencies, people of each role, agency pages.

Each app adds its own demo content in `<app>/demo.py: seed(ctx)`, called in order by
`manage.py seed_demo`. Everything here is idempotent.
"""

from dataclasses import dataclass, field

from django.db import transaction

from cms.services import agency_page_ensure, home_page_ensure

from .models import Agency, Role
from .services import membership_ensure, user_ensure

DEMO_PASSWORD = "ruamkid-demo"  # noqa: S105 (demo accounts only, printed by the demo command)

DEMO_AGENCIES = [
    {
        "slug": "sisuk-hospital",
        "name": "โรงพยาบาลศรีสุขประชา",
        "name_en": "Si Suk Pracha Hospital",
        "description": "โรงพยาบาลทั่วไปประจำจังหวัด ให้บริการผู้ป่วยนอกวันละกว่า 2,000 คน",
    },
    {
        "slug": "muangmai-city",
        "name": "เทศบาลนครเมืองใหม่",
        "name_en": "Mueang Mai City Municipality",
        "description": "เทศบาลนครดูแลประชาชนกว่า 120,000 คน ทั้งถนน ความสะอาด และบริการทะเบียน",
    },
    {
        "slug": "bangnamsai-district",
        "name": "ที่ว่าการอำเภอบางน้ำใส",
        "name_en": "Bang Nam Sai District Office",
        "description": "บริการทะเบียนราษฎร บัตรประจำตัวประชาชน และงานปกครองของอำเภอ",
    },
]

# (key, email, display name, superuser, [(agency slug, role), ...])
DEMO_USERS = [
    ("admin", "admin@ruamkid.example", "ผู้ดูแลระบบ", True, []),
    (
        "moderator",
        "moderator@ruamkid.example",
        "สมศรี ผู้ดูแลเนื้อหา",
        False,
        [("sisuk-hospital", Role.MODERATOR), ("muangmai-city", Role.MODERATOR)],
    ),
    (
        "facilitator",
        "facilitator@ruamkid.example",
        "วิชัย กระบวนกร",
        False,
        [("sisuk-hospital", Role.FACILITATOR)],
    ),
    (
        "manager",
        "manager@ruamkid.example",
        "ผอ.ประภา ผู้จัดการแผน",
        False,
        [("sisuk-hospital", Role.MANAGER)],
    ),
    (
        "agency_admin",
        "agency-admin@ruamkid.example",
        "ธนา ผู้ดูแลหน่วยงาน",
        False,
        [("sisuk-hospital", Role.ADMIN)],
    ),
    (
        "city_manager",
        "city-manager@ruamkid.example",
        "กมล ผู้จัดการเทศบาล",
        False,
        [("muangmai-city", Role.MANAGER), ("muangmai-city", Role.FACILITATOR)],
    ),
    ("citizen", "citizen@ruamkid.example", "มานี ใจดี", False, []),
    ("citizen2", "citizen2@ruamkid.example", "ปิติ รักถิ่น", False, []),
    ("citizen3", "citizen3@ruamkid.example", "ชูใจ สุขสันต์", False, []),
]


@dataclass
class DemoContext:
    agencies: dict = field(default_factory=dict)
    agency_pages: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    home = None
    log: list = field(default_factory=list)


@transaction.atomic
def seed(ctx: DemoContext) -> DemoContext:
    ctx.home = home_page_ensure()
    for data in DEMO_AGENCIES:
        agency, _ = Agency.objects.update_or_create(slug=data["slug"], defaults=data)
        ctx.agencies[agency.slug] = agency
        ctx.agency_pages[agency.slug] = agency_page_ensure(
            agency=agency, intro=f"<p>{data['description']}</p>"
        )
    for key, email, display_name, is_superuser, roles in DEMO_USERS:
        user = user_ensure(
            email=email,
            password=DEMO_PASSWORD,
            display_name=display_name,
            is_superuser=is_superuser,
        )
        for agency_slug, role in roles:
            membership_ensure(user=user, agency=ctx.agencies[agency_slug], role=role)
        ctx.users[key] = user
    return ctx


def login_table() -> list[tuple[str, str, str]]:
    """(email, password, what the account can do) for the README and the demo command."""
    rows = []
    for _key, email, display_name, is_superuser, roles in DEMO_USERS:
        if is_superuser:
            what = "ผู้ดูแลระบบทั้งหมด (superuser)"
        elif roles:
            what = ", ".join(f"{Role(role).label} @ {slug}" for slug, role in roles)
        else:
            what = "ประชาชน (citizen)"
        rows.append((email, DEMO_PASSWORD, f"{display_name}: {what}"))
    return rows
