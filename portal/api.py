"""The JSON API v1 (django-ninja). Each app contributes a router from its own `api.py`."""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from . import selectors


class UnicodeJSONRenderer(JSONRenderer):
    """Thai text stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="Ruam Kid API",
    version="1",
    description="ร่วมคิด: Thai participatory co-design and citizen-feedback portal (public API v1)",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _validation_message(errors: list) -> str:
    parts = []
    for error in errors[:5]:
        location = ".".join(str(p) for p in error.get("loc", []) if p not in ("body", "payload"))
        parts.append(f"{location}: {error.get('msg', 'invalid')}" if location else error.get("msg"))
    return "ข้อมูลไม่ถูกต้อง (invalid input): " + "; ".join(p for p in parts if p)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = [
        {k: v for k, v in error.items() if k in ("loc", "msg", "type")} for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": _validation_message(errors), "errors": errors}, status=422
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "ไม่พบข้อมูลที่ขอ (not found)"}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    message = str(exc) or "ไม่มีสิทธิ์ทำรายการนี้ (permission denied)"
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request, {"detail": "กรุณาเข้าสู่ระบบก่อน (authentication required)"}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


class HealthOut(Schema):
    status: str
    database: str
    channel_layer: str


@api.get("/health", response=HealthOut, tags=["system"])
def health(request):
    from channels.layers import get_channel_layer

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    channel_layer = (
        "ok" if selectors.channel_layer_available(get_channel_layer()) else "unavailable"
    )
    status = "ok" if database == "ok" else "degraded"
    return {"status": status, "database": database, "channel_layer": channel_layer}


class AgencyOut(Schema):
    slug: str
    name: str
    name_en: str


@api.get("/agencies", response=list[AgencyOut], tags=["agencies"])
def agencies(request):
    return list(selectors.agency_list())


def _register_app_routers() -> None:
    from assessments.api import router as assessments_router
    from ideas.api import router as ideas_router
    from nlp.api import router as nlp_router
    from plans.api import router as plans_router
    from surveys.api import router as surveys_router
    from workshops.api import router as workshops_router

    from .me_api import router as me_router

    for router in (nlp_router, ideas_router, workshops_router, surveys_router, plans_router):
        api.add_router("/", router)
    api.add_router("/", assessments_router)
    api.add_router("/", me_router)


_register_app_routers()
