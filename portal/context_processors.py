from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    is_agency_staff = False
    if user is not None and user.is_authenticated:
        is_agency_staff = user.is_superuser or user.memberships.exists()
    return {
        "SITE_NAME": "ร่วมคิด",
        "SITE_NAME_EN": "Ruam Kid",
        "DEBUG": settings.DEBUG,
        "is_agency_staff": is_agency_staff,
    }
