"""Demo data for `nlp`: default tags with keywords and example sentences, a few agency words."""

from django.db import transaction

from .models import CustomWord, Tag
from .pipeline import dictionary_reset
from .taxonomy import DEFAULT_KEYWORDS, DEFAULT_TAGS

EXAMPLES = {
    "waiting-time": ["รอคิวตรวจนานเกือบสามชั่วโมง"],
    "digital-service": ["อยากให้มีระบบนัดหมายออนไลน์"],
    "accessibility": ["เพิ่มทางลาดสำหรับรถเข็นผู้พิการ"],
}

# (agency slug, word, note)
AGENCY_WORDS = [
    ("sisuk-hospital", "ตึกศรีสุข", "ชื่ออาคารผู้ป่วยนอกของโรงพยาบาล"),
    ("sisuk-hospital", "คลินิกหมอครอบครัว", "ชื่อบริการ"),
    ("muangmai-city", "ซอยเทศบาล", "ชื่อซอยในเขตเทศบาล"),
    ("muangmai-city", "รถรางเมืองใหม่", "รถโดยสารของเทศบาล"),
    ("bangnamsai-district", "บัตรคิวอำเภอ", "บัตรคิวของที่ว่าการอำเภอ"),
]


@transaction.atomic
def seed(ctx) -> None:
    for slug, label, label_en in DEFAULT_TAGS:
        tag, created = Tag.objects.get_or_create(
            slug=slug, agency=None, defaults={"label": label, "label_en": label_en}
        )
        changed = []
        if not tag.keywords:
            tag.keywords = DEFAULT_KEYWORDS.get(slug, [])
            changed.append("keywords")
        if not tag.examples and slug in EXAMPLES:
            tag.examples = EXAMPLES[slug]
            changed.append("examples")
        if changed:
            tag.save(update_fields=changed)
    # An agency-specific tag, matched by its keywords (the classifier does not know it yet).
    hospital = ctx.agencies.get("sisuk-hospital")
    if hospital is not None:
        Tag.objects.get_or_create(
            slug="pharmacy",
            agency=hospital,
            defaults={
                "label": "ห้องยาและการรับยา",
                "label_en": "Pharmacy",
                "description": "เรื่องห้องจ่ายยา การรับยา และยาที่ได้รับ",
                "keywords": ["ห้องยา", "รับยา", "จ่ายยา", "เภสัชกร"],
            },
        )
    for agency_slug, word, note in AGENCY_WORDS:
        agency = ctx.agencies.get(agency_slug)
        if agency is None:
            continue
        CustomWord.objects.get_or_create(word=word, agency=agency, defaults={"note": note})
    dictionary_reset()
    ctx.log.append(f"nlp: {Tag.objects.count()} tags, {CustomWord.objects.count()} custom words")
