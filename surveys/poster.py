"""A printable A4 poster for the service point: title, QR code to the survey, short URL."""

import base64
import io

import segno
from django.template.loader import render_to_string


def survey_absolute_url(survey, request) -> str:
    return request.build_absolute_uri(survey.get_url(request))


def qr_bytes(survey, request, fmt: str = "png") -> bytes:
    qr = segno.make(survey_absolute_url(survey, request), error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=8, border=2, title=survey.title)
    else:
        qr.save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()


def poster_html(survey, request) -> str:
    png = base64.b64encode(qr_bytes(survey, request, "png")).decode()
    return render_to_string(
        "surveys/poster.html",
        {
            "survey": survey,
            "url": survey_absolute_url(survey, request),
            "qr_data_uri": f"data:image/png;base64,{png}",
        },
    )


def poster_pdf(survey, request) -> bytes:
    from weasyprint import HTML

    return HTML(string=poster_html(survey, request)).write_pdf()
