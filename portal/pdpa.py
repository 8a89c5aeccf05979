"""PDPA: a person's data export (portability) and account erasure.

Each app that holds personal data contributes a module listed in ``PERSONAL_DATA_MODULES`` with
``export(user) -> dict`` (JSON-serialisable) and ``erase(user) -> None``. Erasure keeps
contributions (ideas, votes, comments, survey answers) so counts and evidence stay true; they
show as "ผู้ใช้ที่ลบบัญชีแล้ว" because the account row itself is anonymised, not deleted.
"""

from importlib import import_module

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Agency, ApiToken, AuditLogEntry, ConsentRecord
from .services import audit_log, consent_record

PERSONAL_DATA_MODULES = ["ideas.pdpa", "workshops.pdpa", "surveys.pdpa"]


def _app_modules():
    for name in PERSONAL_DATA_MODULES:
        yield name.split(".")[0], import_module(name)


def iso(value):
    """ISO 8601 text of a datetime for exports, or None."""
    return value.isoformat() if value else None


def personal_data_export(*, user) -> dict:
    data = {
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.all()
        ],
        "memberships": [
            {"agency": m.agency.slug, "role": m.role, "since": iso(m.created_at)}
            for m in user.memberships.select_related("agency")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "notice_version": c.notice_version,
                "given_at": iso(c.given_at),
                "withdrawn_at": iso(c.withdrawn_at),
                "subject": c.subject,
            }
            for c in user.consents.all()
        ],
        # Metadata only: the portal keeps a digest of each token, never the token itself.
        "api_tokens": [
            {
                "prefix": t.prefix,
                "name": t.name,
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
        # What the person did in an agency's audit log (staff), and entries about the account.
        "audit_log": [
            {
                "action": entry.action,
                "target": entry.target,
                "agency": entry.agency.slug if entry.agency else None,
                "by_you": entry.actor_id == user.pk,
                "data": entry.data,
                "created_at": iso(entry.created_at),
            }
            for entry in AuditLogEntry.objects.filter(
                Q(actor=user) | Q(target=f"portal.user:{user.pk}")
            )
            .select_related("agency")
            .order_by("created_at", "pk")
        ],
    }
    for app_label, module in _app_modules():
        data[app_label] = module.export(user)
    return data


@transaction.atomic
def account_erase(*, user) -> None:
    """Remove personal data, keep contributions as an anonymised account."""
    for _app_label, module in _app_modules():
        module.erase(user)
    user_id = user.pk
    # Agencies the person worked for see the erasure of a member in their audit log.
    member_of = list(Agency.objects.filter(memberships__user=user).distinct())
    user.emailaddress_set.all().delete()
    user.socialaccount_set.all().delete()
    ApiToken.objects.filter(user=user).delete()
    user.groups.clear()
    user.memberships.all().delete()
    user.email = None
    user.username = f"erased-{user_id}"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_erased = True
    # A new (unusable) password also invalidates every session of the account.
    user.set_unusable_password()
    user.save()
    audit_log(actor=None, action="account.erase", target=f"portal.user:{user_id}")
    for agency in member_of:
        audit_log(
            actor=None, action="account.erase", target=f"portal.user:{user_id}", agency=agency
        )


# Optional uses a person turns on or off on /me/data/, with what holds before any choice:
# e-mails about one's own submissions are part of the service (SPEC: the author is notified by
# e-mail) until turned off; using one's data for research needs an explicit yes.
OPTIONAL_PURPOSES = {"notifications": True, "research": False}


def consent_active(*, user, purpose: str) -> bool:
    """The person's latest choice for an optional purpose, or its default."""
    latest = (
        ConsentRecord.objects.filter(user=user, purpose=purpose)
        .order_by("-given_at", "-pk")
        .first()
    )
    if latest is None:
        return OPTIONAL_PURPOSES.get(purpose, False)
    return latest.withdrawn_at is None


def optional_consents(*, user) -> list[dict]:
    """[{"code", "label", "active"}] for the optional purposes (my-data page)."""
    return [
        {
            "code": code,
            "label": ConsentRecord.Purpose(code).label,
            "active": consent_active(user=user, purpose=code),
        }
        for code in OPTIONAL_PURPOSES
    ]


@transaction.atomic
def consent_withdraw(*, user, purpose: str) -> int:
    """Withdraw consent for an optional purpose; returns how many records changed. A purpose
    that was on by default gets a record of the withdrawal (given and withdrawn at once)."""
    now = timezone.now()
    changed = ConsentRecord.objects.filter(user=user, purpose=purpose, withdrawn_at=None).update(
        withdrawn_at=now
    )
    if (
        not changed
        and OPTIONAL_PURPOSES.get(purpose)
        and consent_active(user=user, purpose=purpose)
    ):
        record = consent_record(user=user, purpose=purpose, subject="default")
        ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=now)
        changed = 1
    return changed
