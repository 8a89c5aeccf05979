from django.conf import settings


def portal(request):
    return {
        "SITE_NAME": "ร่วมคิด",
        "SITE_NAME_EN": "Ruam Kid",
        "DEBUG": settings.DEBUG,
    }
