from django.http import JsonResponse
from django.shortcuts import render


def privacy_notice(request):
    return render(request, "portal/privacy.html")


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "ไม่พบปลายทาง API นี้ (no such API endpoint)"}, status=404)
