"""Open data for data.go.th: anonymised ideas (CSV/JSON) and DGA/CKAN-style catalogue metadata.

No personal data: no author names or ids, no e-mail addresses, and hidden ideas are left out
entirely (their text was moderated away). Dates are given as days (in Thailand), not times;
plan items are listed only when their plan is published.
"""

import csv
import io

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from portal.models import Agency
from portal.xlsx import csv_text

LICENSE_ID = "Open Data Common"
FIELDS = [
    "id",
    "agency",
    "campaign_id",
    "title",
    "body",
    "status",
    "tags",
    "vote_count",
    "comment_count",
    "created_date",
    "first_response_date",
    "official_response",
    "plan_item_ids",
]


def _local_date(value) -> str | None:
    """The day in Thailand (Asia/Bangkok), ISO format: 00:30 on the 15th there is the 15th."""
    return timezone.localtime(value).date().isoformat() if value else None


def public_ideas(agency: Agency | None = None):
    from ideas.models import Idea

    qs = Idea.objects.exclude(status="hidden")
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs


def idea_records(agency: Agency | None = None):
    """Anonymised rows; a fixed number of queries (tags and plan links fetched in bulk)."""
    from ideas.models import IdeaTag

    from .models import PlanItem

    ideas = public_ideas(agency)
    tags: dict[int, list[str]] = {}
    for idea_id, slug in (
        IdeaTag.objects.filter(idea__in=ideas.values("pk"))
        .order_by("idea_id", "-score", "pk")
        .values_list("idea_id", "tag__slug")
    ):
        tags.setdefault(idea_id, []).append(slug)
    links: dict[int, list[int]] = {}
    for idea_id, item_id in (
        PlanItem.ideas.through.objects.filter(
            idea__in=ideas.values("pk"), planitem__plan__is_published=True
        )
        .exclude(planitem__status=PlanItem.Status.CANCELLED)
        .order_by("idea_id", "planitem_id")
        .values_list("idea_id", "planitem_id")
    ):
        links.setdefault(idea_id, []).append(item_id)
    rows = ideas.order_by("pk").values_list(
        "pk",
        "agency__slug",
        "campaign_id",
        "title",
        "body",
        "status",
        "vote_count",
        "comment_count",
        "created_at",
        "first_response_at",
        "response_text",
    )
    for (
        pk,
        slug,
        campaign_id,
        title,
        body,
        status,
        votes,
        comments,
        created,
        first,
        response,
    ) in rows.iterator(chunk_size=2000):
        yield {
            "id": pk,
            "agency": slug,
            "campaign_id": campaign_id,
            "title": title,
            "body": body,
            "status": status,
            "tags": tags.get(pk, []),
            "vote_count": votes,
            "comment_count": comments,
            "created_date": _local_date(created),
            "first_response_date": _local_date(first),
            "official_response": response,
            "plan_item_ids": links.get(pk, []),
        }


def ideas_csv(agency: Agency | None = None) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens Thai UTF-8 correctly
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    for record in idea_records(agency):
        row = record | {
            "tags": "|".join(record["tags"]),
            "plan_item_ids": "|".join(str(i) for i in record["plan_item_ids"]),
            "first_response_date": record["first_response_date"] or "",
        }
        writer.writerow({key: csv_text(value) for key, value in row.items()})
    return buffer.getvalue()


def _dataset(*, agency: Agency | None, base_url: str, created, last_updated) -> dict:
    query = f"?agency={agency.slug}" if agency else ""
    owner = agency.slug if agency else "ruamkid"
    name = agency.name if agency else "ร่วมคิด (Ruam Kid)"
    return {
        "name": f"ruamkid-ideas-{owner}",
        "title": f"ข้อเสนอของประชาชนเพื่อพัฒนาบริการ: {name}",
        "title_en": f"Citizen service-improvement ideas: {agency.name_en if agency and agency.name_en else name}",
        "owner_org": owner,
        "maintainer": name,
        "notes": (
            "ข้อเสนอพัฒนาบริการที่ประชาชนส่งผ่านระบบร่วมคิด พร้อมสถานะ แท็กหมวดหมู่ จำนวนโหวต "
            "ความคิดเห็น คำตอบอย่างเป็นทางการ และรายการในแผนพัฒนาที่เชื่อมโยง ข้อมูลไม่ระบุตัวตน: "
            "ไม่มีชื่อหรืออีเมลผู้เสนอ และไม่รวมข้อเสนอที่ถูกซ่อนโดยผู้ดูแล"
        ),
        "tags": ["ข้อเสนอประชาชน", "การมีส่วนร่วม", "PMQA 4.0", "ร่วมคิด", "citizen-ideas"],
        "update_frequency": "รายวัน",
        "update_frequency_en": "daily",
        "data_format": "CSV, JSON",
        "license_id": LICENSE_ID,
        "language": "th",
        "created": _local_date(created),
        "last_updated": _local_date(last_updated),
        "resources": [
            {
                "name": "ideas.csv",
                "format": "CSV",
                "url": f"{base_url}/api/v1/opendata/ideas.csv{query}",
            },
            {
                "name": "ideas.json",
                "format": "JSON",
                "url": f"{base_url}/api/v1/opendata/ideas.json{query}",
            },
        ],
        "fields": FIELDS,
    }


def catalog(agency: Agency | None = None) -> dict:
    """The portal-wide dataset (or one agency's) with one entry per agency in `datasets`."""
    base_url = settings.SITE_URL
    overall = public_ideas(agency).aggregate(created=Min("created_at"), updated=Max("updated_at"))
    result = _dataset(
        agency=agency,
        base_url=base_url,
        created=overall["created"],
        last_updated=overall["updated"],
    )
    if agency is None:
        per_agency = {
            row["agency"]: row
            for row in public_ideas()
            .values("agency")
            .annotate(created=Min("created_at"), updated=Max("updated_at"))
            .order_by()
        }
        result["datasets"] = [
            _dataset(
                agency=a,
                base_url=base_url,
                created=per_agency[a.pk]["created"],
                last_updated=per_agency[a.pk]["updated"],
            )
            for a in Agency.objects.filter(pk__in=per_agency.keys()).order_by("slug")
        ]
    return result
