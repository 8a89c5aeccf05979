"""Every role × every protected endpoint, in one table (issue #9, point 8).

The expected column of each row comes from SHARED SPEC.md and the named rules (`<app>/rules.py`,
README), not from what the views happen to do. Roles: anonymous, a citizen (logged in, no
membership), a Django `is_staff` user without membership, the four agency roles of agency A,
the same four roles of agency B acting on A's objects, a superuser, and where a rule names them
the author of the idea/comment. Every request runs in a savepoint that is rolled back, so each
role meets the same untouched world.

`test_every_route_is_in_the_table` walks the URL resolver: a new route that is neither in the
table nor in the explicit allow-list below fails the suite until someone decides who may use it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.models import SelfAssessment
from ideas.models import Comment, Vote
from portal.models import Role
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    UserFactory,
    campaign_page,
    survey_page,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "django_staff",
    "moderator_a",
    "facilitator_a",
    "manager_a",
    "admin_a",
    "moderator_b",
    "facilitator_b",
    "manager_b",
    "admin_b",
    "superuser",
]
EXTRA_ROLES = ["author", "comment_author"]  # used where a rule names them

# Who may do it, as sets of role names (superusers pass every rule).
EVERYONE = frozenset(ROLES)
USERS = EVERYONE - {"anonymous"}
IDEA_STAFF_A = frozenset({"moderator_a", "manager_a", "admin_a", "superuser"})
FACILITATORS_A = frozenset({"facilitator_a", "manager_a", "admin_a", "superuser"})
MANAGERS_A = frozenset({"manager_a", "admin_a", "superuser"})
MEMBERS_A = frozenset({"moderator_a", "facilitator_a", "manager_a", "admin_a", "superuser"})
ADMINS_A = frozenset({"admin_a", "superuser"})


def mirror_b(roles_a: frozenset) -> frozenset:
    """The same roles held in agency B (for pages that list "my agencies")."""
    return roles_a | {r.replace("_a", "_b") for r in roles_a if r.endswith("_a")}


# Routes outside the table, with the reason. Everything else must be in CASES.
NOT_IN_TABLE = {
    # Public by SPEC (read-only, or anonymous writes the SPEC allows) and tested as such below
    # where they take an object; listed here only when there is nothing role-specific to check.
    "set_language": "language switch, public",
    "api-v1:openapi-json": "OpenAPI schema, public (SPEC)",
    "api-v1:openapi-view": "API docs page, public (SPEC)",
    "api-v1:api-root": "ninja's root, no operation",
    "wagtailcore_authenticate_with_password": "Wagtail page-password form",
    "wagtailcore_login": "Wagtail's login redirect for private pages",
    "wagtail_serve": "Wagtail pages (public site); survey pages tested in tests/surveys",
}
# Whole URL prefixes with their own permission systems, tested elsewhere.
FOREIGN_PREFIXES = {
    "django-admin/": "Django admin (is_staff + model permissions): test_admin_sites_by_role",
    "cms-admin/": "Wagtail admin, scoped per agency: test_admin_sites_by_role, tests/cms, "
    "tests/plans, tests/nlp",
    "accounts/": "allauth (sign-up, log-in, reset): tests/portal/test_accounts.py",
    "documents/": "Wagtail documents (Wagtail's collection permissions)",
    "^api/": "the API's JSON 404 for unknown paths",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                (namespace + pattern.name if pattern.name else None),
            )


# --- the world ---------------------------------------------------------------------------------


class World:
    pass


def _pdf():
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def world(home_page, settings):
    from assessments import services as assessment_services
    from ideas.services import comment_create, idea_create
    from plans.models import EvidenceExport, ImprovementPlan, PlanItem
    from surveys.models import Answer, SurveyResponse
    from workshops.models import Workshop

    settings.RUAMKID = {**settings.RUAMKID, "RATE_LIMITS_ENABLED": False}
    settings.RATELIMIT_ENABLE = False
    w = World()
    w.a = AgencyFactory(slug="agency-a", name="หน่วยงานเอ")
    w.b = AgencyFactory(slug="agency-b", name="หน่วยงานบี")
    w.users = {"anonymous": None}
    w.users["citizen"] = UserFactory(email="citizen@example.com")
    w.users["django_staff"] = UserFactory(email="djstaff@example.com", is_staff=True)
    w.users["superuser"] = UserFactory(email="root@example.com", is_superuser=True, is_staff=True)
    for agency, suffix in ((w.a, "a"), (w.b, "b")):
        for role in (Role.MODERATOR, Role.FACILITATOR, Role.MANAGER, Role.ADMIN):
            user = UserFactory(email=f"{role}-{suffix}@example.com")
            MembershipFactory(user=user, agency=agency, role=role)
            w.users[f"{role}_{suffix}"] = user
    w.users["author"] = UserFactory(email="author@example.com")
    w.users["comment_author"] = UserFactory(email="commenter@example.com")

    w.campaign = campaign_page(w.a)
    w.idea = idea_create(
        campaign=w.campaign,
        author=w.users["author"],
        title="ขอระบบนัดหมายออนไลน์",
        body="อยากให้มีระบบนัดหมายออนไลน์ จะได้ไม่ต้องมารอตั้งแต่ตีห้า",
        consent=True,
    )
    w.other_idea = idea_create(
        campaign=w.campaign,
        author=w.users["citizen"],
        title="ขอที่จอดรถเพิ่ม",
        body="ที่จอดรถไม่พอ ต้องวนหาที่จอดนานมากทุกครั้ง",
        consent=True,
    )
    w.comment = comment_create(idea=w.idea, author=w.users["comment_author"], body="เห็นด้วยอย่างยิ่งค่ะ")

    w.survey = survey_page(w.a, allow_anonymous=True, questions=[("text", "ข้อเสนอแนะ", "", True)])
    response = SurveyResponse.objects.create(survey=w.survey)
    w.answer = Answer.objects.create(
        response=response, question=w.survey.questions.first(), text="ห้องน้ำควรสะอาดกว่านี้"
    )

    w.workshop = Workshop.objects.create(
        agency=w.a, title="ลดเวลารอคอย", code="ROLEAA", status=Workshop.Status.LIVE
    )
    w.draft_workshop = Workshop.objects.create(
        agency=w.a, title="ร่างเวิร์กช็อป", code="ROLEDR", status=Workshop.Status.DRAFT
    )

    w.plan = ImprovementPlan.objects.create(
        agency=w.a, fiscal_year=2570, title="แผนพัฒนาบริการ 2570", is_published=True
    )
    w.item = PlanItem.objects.create(
        plan=w.plan, title="ระบบนัดหมายออนไลน์", pmqa_category=3, pmqa_item="3.3"
    )
    from plans.services import plan_item_link

    plan_item_link(item=w.item, actor=w.users["superuser"], kind="workshop", target=w.workshop)
    w.export = EvidenceExport.objects.create(
        agency=w.a,
        fiscal_year=2570,
        format="xlsx",
        status=EvidenceExport.Status.DONE,
        requested_by=w.users["manager_a"],
    )
    w.export.file.save("evidence.xlsx", SimpleUploadedFile("evidence.xlsx", b"PK"))

    w.assessment = assessment_services.self_assessment_create(
        agency=w.a, fiscal_year=2570, actor=w.users["manager_a"]
    )
    # Criteria for the next year too, so creating an assessment for it can succeed.
    assessment_services.criteria_set_copy(source=w.assessment.criteria_set, fiscal_year=2571)
    w.answer_item = w.assessment.answers.select_related("item__category").first()
    w.finding = assessment_services.finding_add(
        assessment=w.assessment,
        actor=w.users["manager_a"],
        category=w.answer_item.item.category,
        kind="ofi",
        text="ควรวัดความพึงพอใจทุกไตรมาส",
    )
    w.evidence = assessment_services.evidence_add_file(
        answer=w.answer_item, actor=w.users["manager_a"], upload=_pdf(), title="รายงานผล"
    )
    return w


# --- the table ---------------------------------------------------------------------------------
# (route name, method, url(world), body(world) or None, who may[, done(world, response)]).
# Rows whose view answers a refusal with a Thai message (and a redirect) instead of 403 carry
# `done`: evaluated before the rollback, it says whether the operation really took effect.

A = "/assessments/agency-a/2570/"


CASES = [
    # portal
    ("portal:privacy", "GET", lambda w: "/privacy/", None, EVERYONE),
    ("portal:my_data", "GET", lambda w: "/me/data/", None, USERS),
    # SPEC: the staff dashboard lists the agencies a member works for.
    ("portal:staff", "GET", lambda w: "/staff/", None, mirror_b(MEMBERS_A)),
    # Issue #9: the audit log is viewable by the agency's admins.
    ("portal:audit_log", "GET", lambda w: "/staff/agency-a/audit/", None, ADMINS_A),
    ("api-v1:health", "GET", lambda w: "/api/v1/health", None, EVERYONE),
    ("api-v1:agencies", "GET", lambda w: "/api/v1/agencies", None, EVERYONE),
    ("api-v1:me", "GET", lambda w: "/api/v1/me", None, USERS),
    ("api-v1:me_export", "GET", lambda w: "/api/v1/me/export", None, USERS),
    ("api-v1:me_erase", "DELETE", lambda w: "/api/v1/me", lambda w: {"confirm": True}, USERS),
    # nlp: anonymous callers may use the preview and the similarity measure (SPEC).
    (
        "api-v1:tagging_preview",
        "POST",
        lambda w: "/api/v1/tagging/preview",
        lambda w: {"text": "รอคิวนานมาก"},
        EVERYONE,
    ),
    (
        "api-v1:similarity",
        "POST",
        lambda w: "/api/v1/similarity",
        lambda w: {"a": "รอคิวนาน", "b": "คิวยาวมาก"},
        EVERYONE,
    ),
    # ideas API (SPEC "Ideas")
    ("api-v1:campaigns", "GET", lambda w: "/api/v1/campaigns", None, EVERYONE),
    ("api-v1:idea_list", "GET", lambda w: "/api/v1/ideas", None, EVERYONE),
    (
        "api-v1:idea_create",
        "POST",
        lambda w: "/api/v1/ideas",
        lambda w: {
            "campaign": w.campaign.pk,
            "title": "ขอตู้กดบัตรคิว",
            "body": "อยากให้มีตู้กดบัตรคิวอัตโนมัติหน้าอาคาร",
            "consent": True,
        },
        USERS,
    ),
    (
        "api-v1:ideas_similar",
        "POST",
        lambda w: "/api/v1/ideas/similar",
        lambda w: {"title": "นัดหมายออนไลน์", "body": "ระบบนัดหมาย"},
        EVERYONE,
    ),
    ("api-v1:idea_get", "GET", lambda w: f"/api/v1/ideas/{w.idea.pk}", None, EVERYONE),
    (
        "api-v1:idea_patch",
        "PATCH",
        lambda w: f"/api/v1/ideas/{w.idea.pk}",
        lambda w: {"title": "ขอระบบนัดหมายออนไลน์ทางมือถือ"},
        frozenset({"author", "superuser"}),
    ),
    ("api-v1:vote_cast", "POST", lambda w: f"/api/v1/ideas/{w.idea.pk}/vote", None, USERS),
    ("api-v1:vote_retract", "DELETE", lambda w: f"/api/v1/ideas/{w.idea.pk}/vote", None, USERS),
    ("api-v1:comment_list", "GET", lambda w: f"/api/v1/ideas/{w.idea.pk}/comments", None, EVERYONE),
    (
        "api-v1:comment_create",
        "POST",
        lambda w: f"/api/v1/ideas/{w.idea.pk}/comments",
        lambda w: {"body": "เห็นด้วยครับ"},
        USERS,
    ),
    (
        "api-v1:idea_status",
        "POST",
        lambda w: f"/api/v1/ideas/{w.idea.pk}/status",
        lambda w: {"status": "under_review", "response": "รับไว้พิจารณา"},
        IDEA_STAFF_A,
    ),
    (
        "api-v1:idea_tags",
        "PUT",
        lambda w: f"/api/v1/ideas/{w.idea.pk}/tags",
        lambda w: {"tags": ["waiting-time"]},
        IDEA_STAFF_A,
    ),
    # ideas pages (README "Ideas", ideas/rules.py)
    ("ideas:detail", "GET", lambda w: f"/ideas/{w.idea.pk}/", None, EVERYONE),
    ("ideas:edit", "GET", lambda w: f"/ideas/{w.idea.pk}/edit/", None, {"author", "superuser"}),
    # Anonymous voters get a Thai message in place (HTMX) instead of a log-in redirect.
    (
        "ideas:vote",
        "POST",
        lambda w: f"/ideas/{w.idea.pk}/vote/",
        lambda w: {},
        USERS,
        lambda w, response: Vote.objects.filter(idea=w.idea).exists(),
    ),
    (
        "ideas:comment_create",
        "POST",
        lambda w: f"/ideas/{w.idea.pk}/comments/",
        lambda w: {"body": "เห็นด้วยครับ"},
        USERS,
    ),
    (
        "ideas:status",
        "POST",
        lambda w: f"/ideas/{w.idea.pk}/status/",
        lambda w: {"status": "under_review", "response": "รับไว้พิจารณา"},
        IDEA_STAFF_A,
    ),
    (
        "ideas:tags",
        "POST",
        lambda w: f"/ideas/{w.idea.pk}/tags/",
        lambda w: {"tags": ["waiting-time"]},
        IDEA_STAFF_A,
    ),
    (
        "ideas:comment_edit",
        "GET",
        lambda w: f"/ideas/comments/{w.comment.pk}/edit/",
        None,
        {"comment_author", "superuser"},
    ),
    (
        "ideas:comment_delete",
        "POST",
        lambda w: f"/ideas/comments/{w.comment.pk}/delete/",
        lambda w: {},
        IDEA_STAFF_A | {"comment_author"},
        lambda w, response: Comment.objects.get(pk=w.comment.pk).is_removed,
    ),
    # Anyone logged in may report someone else's comment.
    (
        "ideas:comment_flag",
        "POST",
        lambda w: f"/ideas/comments/{w.comment.pk}/flag/",
        lambda w: {"reason": "spam"},
        USERS,
    ),
    (
        "ideas:submit",
        "GET",
        lambda w: f"/ideas/campaigns/{w.campaign.pk}/submit/",
        None,
        USERS,
    ),
    ("ideas:similar", "GET", lambda w: "/ideas/similar/?title=นัดหมาย", None, EVERYONE),
    ("ideas:mine", "GET", lambda w: "/ideas/mine/", None, USERS),
    ("ideas:notifications", "GET", lambda w: "/ideas/notifications/", None, USERS),
    # The moderation queue: moderators and managers, each for their own agencies.
    ("ideas:moderation", "GET", lambda w: "/ideas/moderation/", None, mirror_b(IDEA_STAFF_A)),
    # workshops API (SPEC "Workshops")
    (
        "api-v1:workshop_create",
        "POST",
        lambda w: "/api/v1/workshops",
        lambda w: {"agency": "agency-a", "title": "ออกแบบบริการรับยา", "challenge": "ทำอย่างไร"},
        FACILITATORS_A,
    ),
    ("api-v1:workshop_list", "GET", lambda w: "/api/v1/workshops", None, EVERYONE),
    ("api-v1:workshop_detail", "GET", lambda w: "/api/v1/workshops/ROLEAA", None, EVERYONE),
    (
        "api-v1:workshop_export_json",
        "GET",
        lambda w: "/api/v1/workshops/ROLEAA/export.json",
        None,
        FACILITATORS_A,
    ),
    (
        "api-v1:workshop_export_xlsx",
        "GET",
        lambda w: "/api/v1/workshops/ROLEAA/export.xlsx",
        None,
        FACILITATORS_A,
    ),
    # workshops pages (README "Workshops")
    ("workshops:list", "GET", lambda w: "/workshops/", None, EVERYONE),
    ("workshops:join", "GET", lambda w: "/workshops/join/?code=ROLEAA", None, EVERYONE),
    ("workshops:board", "GET", lambda w: "/workshops/ROLEAA/", None, EVERYONE),
    ("workshops:qr", "GET", lambda w: "/workshops/ROLEAA/qr.svg", None, EVERYONE),
    ("workshops:console", "GET", lambda w: "/workshops/console/", None, mirror_b(FACILITATORS_A)),
    (
        "workshops:console_detail",
        "GET",
        lambda w: "/workshops/console/ROLEAA/",
        None,
        FACILITATORS_A,
    ),
    (
        "workshops:console_status",
        "POST",
        lambda w: "/workshops/console/ROLEAA/status/",
        lambda w: {"status": "finished"},
        FACILITATORS_A,
    ),
    # surveys (SPEC "Surveys", surveys/rules.py, README "Surveys")
    ("api-v1:survey_list", "GET", lambda w: "/api/v1/surveys", None, EVERYONE),
    ("api-v1:survey_detail", "GET", lambda w: f"/api/v1/surveys/{w.survey.pk}", None, EVERYONE),
    (
        "api-v1:survey_respond",
        "POST",
        lambda w: f"/api/v1/surveys/{w.survey.pk}/responses",
        lambda w: {
            "answers": {str(w.survey.questions.first().pk): "ดีมาก"},
            "consent": True,
        },
        EVERYONE,  # the survey allows anonymous answers
    ),
    (
        "api-v1:survey_results",
        "GET",
        lambda w: f"/api/v1/surveys/{w.survey.pk}/results",
        None,
        IDEA_STAFF_A,
    ),
    ("surveys:index", "GET", lambda w: "/surveys/", None, EVERYONE),
    # The staff list answers everyone logged in (others see a Thai notice); it lists agency A's
    # survey to A's survey staff only.
    (
        "surveys:staff",
        "GET",
        lambda w: "/surveys/staff/",
        None,
        IDEA_STAFF_A,
        lambda w, response: (
            response.status_code == 200
            and f"/surveys/{w.survey.pk}/results/" in response.content.decode()
        ),
    ),
    ("surveys:results", "GET", lambda w: f"/surveys/{w.survey.pk}/results/", None, IDEA_STAFF_A),
    (
        "surveys:export",
        "GET",
        lambda w: f"/surveys/{w.survey.pk}/export/responses.csv",
        None,
        IDEA_STAFF_A,
    ),
    ("surveys:qr", "GET", lambda w: f"/surveys/{w.survey.pk}/qr.svg", None, IDEA_STAFF_A),
    ("surveys:poster", "GET", lambda w: f"/surveys/{w.survey.pk}/poster.pdf", None, IDEA_STAFF_A),
    (
        "surveys:promote",
        "POST",
        lambda w: f"/surveys/answers/{w.answer.pk}/promote/",
        lambda w: {"campaign": w.campaign.pk},
        IDEA_STAFF_A,
    ),
    # plans (SPEC "Plans and evidence", plans/rules.py)
    ("api-v1:plan_get", "GET", lambda w: "/api/v1/agencies/agency-a/plans/2570", None, EVERYONE),
    (
        "api-v1:evidence_json",
        "GET",
        lambda w: "/api/v1/agencies/agency-a/evidence/2570.json",
        None,
        MANAGERS_A,
    ),
    (
        "api-v1:evidence_pdf",
        "GET",
        lambda w: "/api/v1/agencies/agency-a/evidence/2570.pdf",
        None,
        MANAGERS_A,
    ),
    (
        "api-v1:evidence_xlsx",
        "GET",
        lambda w: "/api/v1/agencies/agency-a/evidence/2570.xlsx",
        None,
        MANAGERS_A,
    ),
    ("api-v1:opendata_ideas_json", "GET", lambda w: "/api/v1/opendata/ideas.json", None, EVERYONE),
    ("api-v1:opendata_ideas_csv", "GET", lambda w: "/api/v1/opendata/ideas.csv", None, EVERYONE),
    ("api-v1:opendata_catalog", "GET", lambda w: "/api/v1/opendata/catalog.json", None, EVERYONE),
    ("plans:index", "GET", lambda w: "/plans/", None, EVERYONE),
    ("plans:public_plan", "GET", lambda w: "/plans/agency-a/2570/", None, EVERYONE),
    ("plans:staff_index", "GET", lambda w: "/plans/staff/", None, mirror_b(MANAGERS_A)),
    ("plans:staff_plan", "GET", lambda w: f"/plans/staff/plans/{w.plan.pk}/", None, MANAGERS_A),
    (
        "plans:item_progress",
        "POST",
        lambda w: f"/plans/staff/items/{w.item.pk}/progress/",
        lambda w: {"status": "in_progress", "progress": "40"},
        MANAGERS_A,
    ),
    (
        "plans:item_link",
        "POST",
        lambda w: f"/plans/staff/items/{w.item.pk}/link/",
        lambda w: {"kind": "idea", "target_id": w.idea.pk},
        MANAGERS_A,
    ),
    (
        "plans:item_unlink",
        "POST",
        lambda w: f"/plans/staff/items/{w.item.pk}/unlink/workshop/{w.workshop.pk}/",
        lambda w: {},
        MANAGERS_A,
    ),
    (
        "plans:evidence",
        "GET",
        lambda w: "/plans/staff/agency-a/2570/evidence/",
        None,
        MANAGERS_A,
    ),
    (
        "plans:export_start",
        "POST",
        lambda w: "/plans/staff/agency-a/2570/evidence/export/xlsx/",
        lambda w: {},
        MANAGERS_A,
    ),
    (
        "plans:export_status",
        "GET",
        lambda w: f"/plans/staff/exports/{w.export.pk}/",
        None,
        MANAGERS_A,
    ),
    (
        "plans:export_download",
        "GET",
        lambda w: f"/plans/staff/exports/{w.export.pk}/download/",
        None,
        MANAGERS_A,
    ),
    ("plans:link", "GET", lambda w: f"/plans/link/idea/{w.idea.pk}/", None, MANAGERS_A),
    (
        "plans:unlink",
        "POST",
        lambda w: f"/plans/link/workshop/{w.workshop.pk}/unlink/{w.item.pk}/",
        lambda w: {},
        MANAGERS_A,
    ),
    # assessments (assessments/rules.py)
    (
        "api-v1:assessment_json",
        "GET",
        lambda w: "/api/v1/agencies/agency-a/assessments/2570",
        None,
        MANAGERS_A,
    ),
    (
        "api-v1:assessment_pdf",
        "GET",
        lambda w: "/api/v1/agencies/agency-a/assessments/2570.pdf",
        None,
        MANAGERS_A,
    ),
    (
        "api-v1:assessment_xlsx",
        "GET",
        lambda w: "/api/v1/agencies/agency-a/assessments/2570.xlsx",
        None,
        MANAGERS_A,
    ),
    ("assessments:index", "GET", lambda w: "/assessments/", None, mirror_b(MEMBERS_A)),
    (
        "assessments:create",
        "POST",
        lambda w: "/assessments/create/",
        lambda w: {"agency": "agency-a", "fiscal_year": "2571"},
        MANAGERS_A,
        lambda w, response: SelfAssessment.objects.filter(agency=w.a, fiscal_year=2571).exists(),
    ),
    ("assessments:detail", "GET", lambda w: A, None, MEMBERS_A),
    ("assessments:readiness", "GET", lambda w: A + "readiness/", None, MEMBERS_A),
    (
        "assessments:status",
        "POST",
        lambda w: A + "status/",
        lambda w: {"status": "submitted"},
        MANAGERS_A,
    ),
    (
        "assessments:comment",
        "POST",
        lambda w: A + "comments/",
        lambda w: {"text": "ตรวจแล้ว", "body": "ตรวจแล้ว"},
        MEMBERS_A,
    ),
    (
        "assessments:finding_add",
        "POST",
        lambda w: A + "findings/",
        lambda w: {"category": w.answer_item.item.category.pk, "kind": "ofi", "text": "ข้อปรับปรุง"},
        MEMBERS_A,
    ),
    (
        "assessments:finding_delete",
        "POST",
        lambda w: A + f"findings/{w.finding.pk}/delete/",
        lambda w: {},
        MEMBERS_A,
    ),
    (
        "assessments:finding_to_plan",
        "POST",
        lambda w: A + f"findings/{w.finding.pk}/to-plan/",
        lambda w: {"plan": w.plan.pk},
        MANAGERS_A,
    ),
    # assessments/rules.py: members see the assessment (and its page exports); the API export
    # is for managers.
    ("assessments:export_pdf", "GET", lambda w: A + "export.pdf", None, MEMBERS_A),
    ("assessments:export_xlsx", "GET", lambda w: A + "export.xlsx", None, MEMBERS_A),
    (
        "assessments:item",
        "GET",
        lambda w: A + f"items/{w.answer_item.item.code}/",
        None,
        MEMBERS_A,
    ),
    (
        "assessments:evidence_file",
        "POST",
        lambda w: A + f"items/{w.answer_item.item.code}/evidence/file/",
        lambda w: {"title": "รายงาน", "file": _pdf()},
        MEMBERS_A,
    ),
    (
        "assessments:evidence_record",
        "POST",
        lambda w: A + f"items/{w.answer_item.item.code}/evidence/record/",
        lambda w: {"kind": "workshop", "target_id": w.workshop.pk},
        MEMBERS_A,
    ),
    (
        "assessments:evidence_download",
        "GET",
        lambda w: A + f"evidence/{w.evidence.pk}/file/",
        None,
        MEMBERS_A,
    ),
    (
        "assessments:evidence_remove",
        "POST",
        lambda w: A + f"evidence/{w.evidence.pk}/remove/",
        lambda w: {},
        MEMBERS_A,
    ),
]

AREAS = {
    "portal": (
        "portal:",
        "api-v1:health",
        "api-v1:agencies",
        "api-v1:me",
        "api-v1:tagging",
        "api-v1:similarity",
    ),
    "ideas": ("ideas:", "api-v1:campaigns", "api-v1:idea", "api-v1:vote", "api-v1:comment"),
    "workshops": ("workshops:", "api-v1:workshop"),
    "surveys": ("surveys:", "api-v1:survey"),
    "plans": ("plans:", "api-v1:plan", "api-v1:evidence", "api-v1:opendata"),
    "assessments": ("assessments:", "api-v1:assessment"),
}


def _area(name: str) -> str:
    for area, prefixes in AREAS.items():
        if name.startswith(prefixes):
            return area
    raise AssertionError(f"{name} belongs to no area")


def _denied(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def _request(client, user, method, url, body, is_api, done, world):
    client.logout()
    if user is not None:
        client.force_login(user)
    kwargs = {}
    if body is not None:
        if is_api:
            import json

            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        else:
            kwargs = {"data": body}
    with transaction.atomic():
        response = getattr(client, method.lower())(url, **kwargs)
        took_effect = (
            done(world, response) if done is not None and response.status_code < 500 else None
        )
        transaction.set_rollback(True)
    return response, took_effect


@pytest.mark.parametrize("area", list(AREAS))
def test_role_matrix(client, world, area):
    """Each row: the roles it names succeed (no 401/403/404, no log-in redirect, no 5xx);
    every other role is refused."""
    problems = []
    for name, method, url_of, body_of, allowed, *done in CASES:
        if _area(name) != area:
            continue
        is_api = name.startswith("api-v1:")
        roles = ROLES + [r for r in EXTRA_ROLES if r in allowed]
        for role in roles:
            user = world.users[role]
            body = body_of(world) if body_of else None
            response, took_effect = _request(
                client, user, method, url_of(world), body, is_api, done[0] if done else None, world
            )
            if response.status_code >= 500:
                problems.append(f"{name} {method} as {role}: {response.status_code}")
                continue
            expected_allowed = role in allowed
            refused = _denied(response) if took_effect is None else not took_effect
            if expected_allowed == refused:
                problems.append(
                    f"{name} {method} as {role}: got {response.status_code}"
                    f" {response.get('Location', '')}, expected "
                    + ("allowed" if expected_allowed else "refused")
                )
    assert not problems, "role matrix mismatches:\n" + "\n".join(problems)


def test_every_route_is_in_the_table():
    covered = {case[0] for case in CASES}
    unknown = []
    for path, name in _walk(get_resolver().url_patterns):
        if path.startswith(tuple(FOREIGN_PREFIXES)):
            continue
        if name in covered or name in NOT_IN_TABLE:
            continue
        unknown.append(f"{path} ({name})")
    assert not unknown, (
        "routes with no row in tests/portal/test_role_matrix.py (add one saying who may use "
        "it, or list it in NOT_IN_TABLE with the reason):\n" + "\n".join(unknown)
    )
    stale = covered - {name for _, name in _walk(get_resolver().url_patterns)}
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def test_workshop_ops_follow_the_facilitate_rule(world):
    """The WebSocket consumer gates facilitator ops on `workshops.facilitate` (SPEC: phase.set,
    timer.start, timer.stop, lock, promote are facilitator only); everyone joined may do the rest."""
    from workshops import services

    facilitator_ops = {op for op, (_, only) in services.OPS.items() if only}
    assert facilitator_ops == {"phase.set", "timer.start", "timer.stop", "lock", "promote"}
    for role in ROLES:
        user = world.users[role]
        allowed = services.is_facilitator(user, world.workshop)
        assert allowed == (role in FACILITATORS_A), role
        assert services.is_facilitator(user, world.draft_workshop) == allowed, role


# --- the two admin sites (outside the route table: their own permission systems) --------------
# A row is allowed when the page answers 200 (or, with `done`, when the change took effect);
# refusals are log-in redirects, Wagtail's redirect to its dashboard, or 403.
# Django admin: `is_staff` only, then Django model permissions (agency roles never get in).
# Wagtail admin: every member of an agency edits its page tree (cms.services editor groups);
# its snippets (plans, plan items, tags, words) belong to the agency's managers and admins.
EDITORS_A = MEMBERS_A
EDITORS_B = frozenset({"moderator_b", "facilitator_b", "manager_b", "admin_b", "superuser"})
EDITORS_AB = EDITORS_A | EDITORS_B
ADMIN_SITE_CASES = [
    ("django admin index", "GET", lambda w: "/django-admin/", {"django_staff", "superuser"}),
    ("django admin users", "GET", lambda w: "/django-admin/portal/user/", {"superuser"}),
    (
        "django admin audit log",
        "GET",
        lambda w: "/django-admin/portal/auditlogentry/",
        {"superuser"},
    ),
    ("wagtail dashboard", "GET", lambda w: "/cms-admin/", EDITORS_AB),
    ("A's page tree", "GET", lambda w: f"/cms-admin/pages/{w.page_a.pk}/", EDITORS_A),
    ("A's page edit", "GET", lambda w: f"/cms-admin/pages/{w.page_a.pk}/edit/", EDITORS_A),
    ("A's page draft", "GET", lambda w: f"/cms-admin/pages/{w.page_a.pk}/view_draft/", EDITORS_A),
    (
        "A's campaign edit",
        "GET",
        lambda w: f"/cms-admin/pages/{w.campaign.pk}/edit/",
        EDITORS_A,
    ),
    (
        "A's campaign unpublish",
        "POST",
        lambda w: f"/cms-admin/pages/{w.campaign.pk}/unpublish/",
        EDITORS_A,
        lambda w: not type(w.campaign).objects.get(pk=w.campaign.pk).live,
    ),
    (
        "new page under A",
        "GET",
        lambda w: f"/cms-admin/pages/{w.page_a.pk}/add_subpage/",
        EDITORS_A,
    ),
    ("B's page edit", "GET", lambda w: f"/cms-admin/pages/{w.page_b.pk}/edit/", EDITORS_B),
    (
        "A's plan snippet",
        "GET",
        lambda w: f"/cms-admin/snippets/plans/improvementplan/edit/{w.plan.pk}/",
        MANAGERS_A,
    ),
    (
        "A's plan snippet delete",
        "POST",
        lambda w: f"/cms-admin/snippets/plans/improvementplan/delete/{w.plan.pk}/",
        MANAGERS_A,
        lambda w: not type(w.plan).objects.filter(pk=w.plan.pk).exists(),
    ),
    (
        "A's tag snippet",
        "GET",
        lambda w: f"/cms-admin/snippets/nlp/tag/edit/{w.tag.pk}/",
        MANAGERS_A,
    ),
    ("Wagtail users", "GET", lambda w: "/cms-admin/users/", {"superuser"}),
    # Each agency's people see the images and documents of their agency's own collection.
    ("Wagtail images", "GET", lambda w: "/cms-admin/images/", EDITORS_AB),
    ("Wagtail documents", "GET", lambda w: "/cms-admin/documents/", EDITORS_AB),
    ("A's image edit", "GET", lambda w: f"/cms-admin/images/{w.image_a.pk}/", EDITORS_A),
    (
        "A's image delete",
        "POST",
        lambda w: f"/cms-admin/images/{w.image_a.pk}/delete/",
        EDITORS_A,
        lambda w: not type(w.image_a).objects.filter(pk=w.image_a.pk).exists(),
    ),
    (
        "A's document edit",
        "GET",
        lambda w: f"/cms-admin/documents/edit/{w.document_a.pk}/",
        EDITORS_A,
    ),
    ("Wagtail redirects", "GET", lambda w: "/cms-admin/redirects/", {"superuser"}),
]


def _media_of(agency):
    """An image and a document in the agency's own Wagtail collection."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from cms.services import agency_collection_ensure, agency_editor_group_ensure

    collection = agency_collection_ensure(
        agency=agency, group=agency_editor_group_ensure(agency=agency)
    )
    image = get_image_model().objects.create(
        title="ภาพหน้าโรงพยาบาล", file=get_test_image_file(), collection=collection
    )
    document = get_document_model().objects.create(
        title="ประกาศรับฟังความคิดเห็น",
        file=ContentFile(b"%PDF-1.4 test", name="notice.pdf"),
        collection=collection,
    )
    return image, document


def test_admin_sites_by_role(client, world):
    """Agency roles never reach the Django admin; in Wagtail each agency's people reach only
    their own agency's pages and snippets (B's roles are refused on A's, A's on B's)."""
    from cms.services import agency_page_ensure
    from nlp.models import Tag

    world.page_a = agency_page_ensure(agency=world.a)
    world.page_b = agency_page_ensure(agency=world.b)
    world.tag = Tag.objects.create(slug="a-only", label="แท็กของเอ", agency=world.a)
    world.image_a, world.document_a = _media_of(world.a)
    problems = []
    for label, method, url_of, allowed, *done in ADMIN_SITE_CASES:
        for role in ROLES:
            response, took_effect = _request(
                client,
                world.users[role],
                method,
                url_of(world),
                {} if method == "POST" else None,
                False,
                (lambda w, r, d=done[0]: d(w)) if done else None,
                world,
            )
            got = response.status_code == 200 if took_effect is None else took_effect
            if response.status_code >= 500 or got != (role in allowed):
                problems.append(
                    f"{label} as {role}: {response.status_code} {response.get('Location', '')}"
                    f" (expected {'allowed' if role in allowed else 'refused'})"
                )
    assert not problems, "admin access mismatches:\n" + "\n".join(problems)
