"""PMQA 4.0 reference: the seven categories and the items plans and evidence are filed under.

Names follow the Thai public sector quality award criteria (../shared/DESIGN.md). Items are
kept small on purpose: the ones Ruam Kid's citizen input is evidence for, plus one
"x.1 general" item per category so every category can hold a plan item.
"""

CATEGORIES: dict[int, str] = {
    1: "การนำองค์การ",
    2: "การวางแผนเชิงยุทธศาสตร์",
    3: "การให้ความสำคัญกับผู้รับบริการและผู้มีส่วนได้ส่วนเสีย",
    4: "การวัด การวิเคราะห์ และการจัดการความรู้",
    5: "การมุ่งเน้นบุคลากร",
    6: "การมุ่งเน้นระบบปฏิบัติการ",
    7: "ผลลัพธ์การดำเนินการ",
}

ITEMS: dict[str, str] = {
    "1.1": "การนำองค์การโดยผู้บริหาร",
    "1.2": "ธรรมาภิบาลและความรับผิดชอบต่อสังคม",
    "2.1": "การจัดทำยุทธศาสตร์",
    "2.2": "การนำยุทธศาสตร์ไปปฏิบัติ",
    "3.1": "ช่องทางการรับฟังและสารสนเทศผู้รับบริการ",
    "3.2": "ความพึงพอใจและความผูกพันของผู้รับบริการ",
    "3.3": "นวัตกรรมการบริการ",
    "3.4": "การจัดการข้อร้องเรียน",
    "4.1": "การวัด วิเคราะห์ และปรับปรุงผลการดำเนินการ",
    "4.2": "การจัดการความรู้และสารสนเทศ",
    "5.1": "สภาพแวดล้อมการทำงานของบุคลากร",
    "5.2": "ความผูกพันและการพัฒนาบุคลากร",
    "6.1": "การออกแบบและปรับปรุงกระบวนการ",
    "6.2": "ประสิทธิผลการปฏิบัติการและนวัตกรรมกระบวนการ",
    "7.1": "ผลลัพธ์ตามพันธกิจและยุทธศาสตร์",
    "7.2": "ผลลัพธ์ด้านผู้รับบริการ (RM3 ความพึงพอใจ)",
    "7.3": "ผลลัพธ์ด้านการปรับปรุงและนวัตกรรม",
}

CATEGORY_CHOICES = [(number, f"{number} {name}") for number, name in CATEGORIES.items()]
ITEM_CHOICES = [(code, f"{code} {name}") for code, name in ITEMS.items()]

# RM3 (category 7): satisfaction of service recipients vs a target, three BE years side by side.
RM3_ITEM = "7.2"


def category_of(item: str) -> int | None:
    """The category number an item code belongs to ("3.3" -> 3), or None if unknown."""
    if item not in ITEMS:
        return None
    return int(item.split(".", 1)[0])


def item_label(item: str) -> str:
    return f"{item} {ITEMS[item]}" if item in ITEMS else item


def category_label(category: int) -> str:
    return f"{category} {CATEGORIES[category]}" if category in CATEGORIES else str(category)
