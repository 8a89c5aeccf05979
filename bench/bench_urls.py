"""Product URLs + ``/bench/baseline``: a bare view returning the same 20 rows by raw SQL."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from portal.urls import urlpatterns as product_urlpatterns

BASELINE_SQL = """
SELECT i.id, i.campaign_id, i.title, i.body, COALESCE(u.display_name, ''), i.status,
       i.vote_count, i.comment_count, i.created_at
FROM ideas_idea i LEFT JOIN portal_user u ON u.id = i.author_id
WHERE i.campaign_id = %s AND i.status <> 'hidden'
ORDER BY i.vote_count DESC, i.created_at DESC, i.id DESC
LIMIT 20
"""
COLUMNS = [
    "id",
    "campaign",
    "title",
    "body",
    "author",
    "status",
    "vote_count",
    "comment_count",
    "created_at",
]


def baseline(request):
    """The floor: one raw query, no ORM, no templates, no serialiser beyond json."""
    campaign = int(request.GET.get("campaign") or 0)
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [campaign])
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"count": len(rows), "results": rows})


urlpatterns = [path("bench/baseline", baseline), *product_urlpatterns]
