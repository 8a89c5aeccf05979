"""allauth forms with the portal's honeypot (see portal/honeypot.py).

allauth's own ``ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD`` hides its trap with an inline ``style``
attribute (refused by our CSP, so the trap would show) and pretends success to the bot; ours
uses a stylesheet class plus a signed start time, and says what went wrong in Thai.
"""

from allauth.account.forms import ResetPasswordForm, SignupForm

from .honeypot import HoneypotFormMixin


class PortalSignupForm(HoneypotFormMixin, SignupForm):
    honeypot_purpose = "signup"


class PortalResetPasswordForm(HoneypotFormMixin, ResetPasswordForm):
    honeypot_purpose = "reset_password"
