"""`{% honeypot_fields "survey" %}`: the honeypot inputs for a hand-written form."""

from django import template
from django.utils.safestring import mark_safe

from portal.honeypot import render_honeypot_fields

register = template.Library()


@register.simple_tag
def honeypot_fields(purpose: str):
    return mark_safe(render_honeypot_fields(purpose))  # noqa: S308 - rendered by Django widgets
