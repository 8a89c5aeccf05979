"""The default tagging taxonomy (see shared DESIGN.md). Slugs are stable: API and exports use them."""

DEFAULT_TAGS = [
    ("waiting-time", "ระยะเวลารอคอยและความรวดเร็ว", "Waiting time and speed"),
    ("digital-service", "บริการออนไลน์และดิจิทัล", "Online and digital services"),
    ("staff-service", "การให้บริการและพฤติกรรมของเจ้าหน้าที่", "Staff service and conduct"),
    ("facilities", "อาคารสถานที่และสิ่งอำนวยความสะดวก", "Buildings and facilities"),
    ("information", "ข้อมูลข่าวสารและการประชาสัมพันธ์", "Information and public relations"),
    ("process", "ขั้นตอนและเอกสาร", "Procedures and documents"),
    (
        "accessibility",
        "การเข้าถึงสำหรับผู้สูงอายุ ผู้พิการ และกลุ่มเปราะบาง",
        "Access for older people, people with disabilities and vulnerable groups",
    ),
    ("health", "สุขภาพและการแพทย์", "Health and medical care"),
    ("environment", "สิ่งแวดล้อมและความสะอาด", "Environment and cleanliness"),
    ("transport", "การเดินทาง ที่จอดรถ และการจราจร", "Travel, parking and traffic"),
    ("safety", "ความปลอดภัย", "Safety"),
    ("transparency", "ความโปร่งใสและการป้องกันการทุจริต", "Transparency and anti-corruption"),
]
