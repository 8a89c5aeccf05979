from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Agency, ApiToken, AuditLogEntry, ConsentRecord, Membership


@transaction.atomic
def user_ensure(
    *,
    email: str,
    password: str | None = None,
    display_name: str = "",
    is_superuser: bool = False,
):
    """Get or create a user with a verified e-mail address who can log in at once."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email, display_name=display_name)
    if display_name and not user.display_name:
        user.display_name = display_name
    if is_superuser:
        user.is_superuser = True
        user.is_staff = True
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def django_site_ensure(*, using: str = "default"):
    """Django's `Site` (what allauth's e-mails call the portal) named ร่วมคิด at SITE_URL's host.

    Django creates it as "example.com"; a name or domain someone set in the admin is kept.
    """
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    site, created = Site.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.WAGTAIL_SITE_NAME}
    )
    if not created and site.domain == "example.com":
        site.domain, site.name = domain, settings.WAGTAIL_SITE_NAME
        site.save(using=using)
    return site


def membership_ensure(*, user, agency: Agency, role: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return membership


def api_token_create(*, user, name: str = "") -> str:
    """Create a token and return the raw key; only its digest is stored."""
    raw_key = ApiToken.generate_key()
    ApiToken.objects.create(
        user=user, name=name, key_digest=ApiToken.digest(raw_key), prefix=raw_key[:8]
    )
    return raw_key


def api_token_revoke(*, user, token_id) -> bool:
    """Revoke one of the user's own API tokens; False when there is no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


# Bump when the notice (templates/portal/privacy.html) changes: consents record the version.
PRIVACY_NOTICE_VERSION = "2569-2"


def consent_record(*, user, purpose: str, subject: str = "") -> ConsentRecord:
    """Store a PDPA consent given with a submission (purpose + notice version + time)."""
    return ConsentRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        purpose=purpose,
        notice_version=PRIVACY_NOTICE_VERSION,
        subject=subject,
    )


def audit_log(*, actor, action: str, target=None, agency=None, **data) -> AuditLogEntry:
    """Record a sensitive action. `target` is a model instance or a short string."""
    if target is not None and not isinstance(target, str):
        target = f"{target._meta.label_lower}:{target.pk}"
    return AuditLogEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        agency=agency,
        action=action,
        target=target or "",
        data=data,
    )
