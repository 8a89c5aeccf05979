from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Agency, ApiToken, Membership


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
