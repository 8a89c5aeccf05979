"""Honeypot for the forms anonymous people can post (sign-up, password reset, survey answers).

Two signals, no JavaScript and nothing for a person to do:

- a trap text field (``website``) that is off-screen and hidden from assistive technology;
  people leave it empty, form-filling bots do not;
- a signed start time (``form_started``) rendered with the form; a post without it (a bot that
  never loaded the form), with a forged or day-old one, or sent faster than a person can fill the
  form (``RUAMKID["FORM_MIN_FILL_SECONDS"]``) is refused.

A refused post gets a Thai form error and the form back with a fresh start time, so a person who
was unusually quick (or left the tab open overnight) only has to press send again.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TRAP_FIELD = "website"
STAMP_FIELD = "form_started"
MAX_AGE_SECONDS = 24 * 3600


def _salt(purpose: str) -> str:
    return f"ruamkid.honeypot.{purpose}"


def min_fill_seconds() -> float:
    return float(settings.RUAMKID.get("FORM_MIN_FILL_SECONDS", 2))


def form_stamp(purpose: str, *, started_at: float | None = None) -> str:
    """A signed start time for a form of this purpose (``started_at`` defaults to now)."""
    return signing.dumps(time.time() if started_at is None else started_at, salt=_salt(purpose))


def honeypot_problem(data, purpose: str) -> str | None:
    """None for a plausible human post, else the Thai message to show."""
    if (data.get(TRAP_FIELD) or "").strip():
        return gettext("ไม่สามารถส่งแบบฟอร์มนี้ได้ กรุณาโหลดหน้านี้ใหม่แล้วลองอีกครั้ง")
    try:
        started = float(
            signing.loads(data.get(STAMP_FIELD) or "", salt=_salt(purpose), max_age=MAX_AGE_SECONDS)
        )
    except signing.SignatureExpired:
        return gettext("แบบฟอร์มนี้เปิดค้างไว้นานเกินไป กรุณาตรวจสอบข้อมูลแล้วกดส่งอีกครั้ง")
    except (signing.BadSignature, TypeError, ValueError):
        return gettext("ไม่สามารถส่งแบบฟอร์มนี้ได้ กรุณาโหลดหน้านี้ใหม่แล้วลองอีกครั้ง")
    if time.time() - started < min_fill_seconds():
        return gettext("ส่งแบบฟอร์มเร็วเกินไป กรุณาตรวจสอบข้อมูลแล้วกดส่งอีกครั้ง")
    return None


class TrapInput(forms.TextInput):
    """The trap: a text box off-screen, out of the tab order and hidden from screen readers."""

    template_name = "portal/widgets/honeypot_trap.html"

    @property
    def is_hidden(self) -> bool:  # rendered with the hidden fields, without a visible label row
        return True

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "tabindex": "-1", **(attrs or {})})

    def format_value(self, value):
        return ""


class StampInput(forms.HiddenInput):
    """Always renders a fresh start time, also when a refused form is shown again."""

    def __init__(self, purpose: str, attrs=None):
        super().__init__(attrs)
        self.purpose = purpose

    def get_context(self, name, value, attrs):
        return super().get_context(name, form_stamp(self.purpose), attrs)


def honeypot_form_fields(purpose: str) -> dict[str, forms.Field]:
    return {
        TRAP_FIELD: forms.CharField(
            label=_("เว็บไซต์ (ปล่อยว่างไว้)"), required=False, widget=TrapInput()
        ),
        STAMP_FIELD: forms.CharField(required=False, widget=StampInput(purpose)),
    }


class HoneypotFormMixin:
    """Adds the trap and the start time to a Django form and refuses bot-like posts."""

    honeypot_purpose = "form"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(honeypot_form_fields(self.honeypot_purpose))

    def clean(self):
        cleaned_data = super().clean()
        problem = honeypot_problem(self.data, self.honeypot_purpose)
        if problem:
            raise forms.ValidationError(problem, code="honeypot")
        return cleaned_data


def render_honeypot_fields(purpose: str) -> str:
    """The two inputs as HTML, for hand-written forms (see ``{% honeypot_fields %}``)."""
    return "".join(
        field.widget.render(name, None, attrs={"id": f"id_{name}"})
        for name, field in honeypot_form_fields(purpose).items()
    )
