"""Role checks per agency, shared by views, API endpoints and consumers.

Apps build their named rules (in `<app>/rules.py`) from these predicates, e.g.::

    rules.add_perm("ideas.change_status", is_agency_moderator | is_agency_manager)

The object passed to a predicate is anything with an ``agency`` / ``agency_id`` attribute,
or an ``Agency`` itself.
"""

from collections.abc import Iterable

import rules

from .models import Agency, Membership, Role


def agency_id_of(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Agency):
        return obj.pk
    if hasattr(obj, "agency_id"):
        return obj.agency_id
    agency = getattr(obj, "agency", None)
    return agency.pk if agency is not None else None


def user_roles(user, agency) -> set[str]:
    """Roles the user holds in the agency (cached on the user object per request)."""
    if user is None or not user.is_authenticated:
        return set()
    cache = getattr(user, "_agency_roles_cache", None)
    if cache is None:
        cache = {}
        for agency_pk, role in Membership.objects.filter(user=user).values_list(
            "agency_id", "role"
        ):
            cache.setdefault(agency_pk, set()).add(role)
        user._agency_roles_cache = cache
    return cache.get(agency_id_of(agency), set())


def has_agency_role(user, agency, roles: Iterable[str]) -> bool:
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    held = user_roles(user, agency)
    return bool(held & set(roles)) or Role.ADMIN in held


def agencies_with_role(user, roles: Iterable[str]):
    """Agencies where the user holds one of the roles (admin implies every role)."""
    if user is None or not user.is_authenticated:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(
        memberships__user=user, memberships__role__in=[*roles, Role.ADMIN]
    ).distinct()


def _role_predicate(*roles: str):
    @rules.predicate
    def predicate(user, obj=None) -> bool:
        return has_agency_role(user, obj, roles)

    predicate.name = "is_agency_" + "_or_".join(roles)
    return predicate


is_agency_moderator = _role_predicate(Role.MODERATOR)
is_agency_facilitator = _role_predicate(Role.FACILITATOR)
is_agency_manager = _role_predicate(Role.MANAGER)
is_agency_admin = _role_predicate(Role.ADMIN)
is_agency_member = _role_predicate(Role.MODERATOR, Role.FACILITATOR, Role.MANAGER, Role.ADMIN)
is_authenticated = rules.is_authenticated
