"""What the home page shows. Each section comes from the app that owns it."""

from importlib import import_module

from portal.models import Agency

# (context key, "module:function") - each function takes the request and returns a list.
HOME_SECTIONS = [
    ("open_campaigns", "ideas.selectors:home_open_campaigns"),
    ("live_workshops", "workshops.selectors:home_live_workshops"),
    ("open_surveys", "surveys.selectors:home_open_surveys"),
    ("you_said_we_did", "plans.selectors:home_you_said_we_did"),
]


def _section(path: str, request):
    module_name, _, function_name = path.partition(":")
    return list(getattr(import_module(module_name), function_name)(request))


def home_page_sections(request) -> dict:
    context = {key: _section(path, request) for key, path in HOME_SECTIONS}
    context["agencies"] = Agency.objects.select_related("page").order_by("name")
    return context
