from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_index, name="index"),
    path("staff/", views.staff_index, name="staff"),
    path("<int:pk>/results/", views.results, name="results"),
    path(
        "<int:pk>/export/<str:what>.<str:fmt>",
        views.export,
        name="export",
    ),
    path("<int:pk>/qr.<str:fmt>", views.qr_code, name="qr"),
    path("<int:pk>/poster.pdf", views.poster, name="poster"),
    path("answers/<int:pk>/promote/", views.promote_answer, name="promote"),
]
