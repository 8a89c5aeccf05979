from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("join/", views.workshop_join, name="join"),
    path("console/", views.console, name="console"),
    path("console/<str:code>/", views.console_detail, name="console_detail"),
    path("console/<str:code>/status/", views.console_status, name="console_status"),
    path("<str:code>/", views.workshop_board, name="board"),
    path("<str:code>/qr.svg", views.workshop_qr, name="qr"),
]
