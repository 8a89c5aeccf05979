"""Template filters for Thai display: `{{ value|thai_date }}`, `{{ value|fiscal_year }}`.

Registered as a template builtin in settings, so templates need no `{% load %}`.
"""

from django import template
from django.utils.translation import get_language

from portal import thai_dates

register = template.Library()


@register.filter
def thai_date(value, arg: str = ""):
    """BE date in Thai (`25 พ.ย. 2569`); in English UI, a plain CE date."""
    if value in (None, ""):
        return ""
    if (get_language() or "th").startswith("en"):
        local = thai_dates._local_date(value)
        return local.strftime("%-d %b %Y")
    return thai_dates.thai_date(value, full_month=(arg == "full"))


@register.filter
def thai_datetime(value):
    if value in (None, ""):
        return ""
    if (get_language() or "th").startswith("en"):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%-d %b %Y %H:%M")
    return thai_dates.thai_datetime(value)


@register.filter
def fiscal_year(value):
    if value in (None, ""):
        return ""
    return thai_dates.fiscal_year(value)


@register.filter
def be_year(value):
    if value in (None, ""):
        return ""
    return thai_dates.be_year(value)
