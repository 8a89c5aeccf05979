"""The caller's own account (PDPA export and erasure are added here too)."""

from ninja import Router, Schema

from .api_auth import require_user

router = Router(tags=["me"])


class MembershipOut(Schema):
    agency: str
    agency_name: str
    role: str


class MeOut(Schema):
    id: int
    email: str | None
    display_name: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut)
def me(request):
    user = require_user(request)
    memberships = [
        {"agency": m.agency.slug, "agency_name": m.agency.name, "role": m.role}
        for m in user.memberships.select_related("agency").order_by("agency__name", "role")
    ]
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.public_name,
        "memberships": memberships,
    }
