"""The caller's own account: profile, PDPA export and erasure."""

from ninja import Router, Schema

from . import pdpa
from .api_auth import require_user
from .ratelimit import rate_limit

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


class EraseIn(Schema):
    confirm: bool = False


class EraseOut(Schema):
    erased: bool
    detail: str


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


@router.get("/me/export")
def me_export(request):
    """Everything the portal holds about the caller, as JSON (PDPA data portability)."""
    user = require_user(request)
    rate_limit(request, "export")
    return pdpa.personal_data_export(user=user)


@router.delete("/me", response={200: EraseOut})
def me_erase(request, payload: EraseIn):
    """Erase the caller's account; contributions stay as "ผู้ใช้ที่ลบบัญชีแล้ว"."""
    from ninja.errors import HttpError

    user = require_user(request)
    if not payload.confirm:
        raise HttpError(422, 'ต้องยืนยันด้วย {"confirm": true} (confirmation required)')
    pdpa.account_erase(user=user)
    return {"erased": True, "detail": "ลบบัญชีและข้อมูลส่วนบุคคลแล้ว (account erased)"}
