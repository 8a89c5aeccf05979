from django.urls import path

from . import views

app_name = "ideas"
urlpatterns = [
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/edit/", views.idea_edit, name="edit"),
    path("<int:pk>/vote/", views.idea_vote, name="vote"),
    path("<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("<int:pk>/status/", views.idea_status, name="status"),
    path("<int:pk>/tags/", views.idea_tags, name="tags"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/flag/", views.comment_flag, name="comment_flag"),
    path("campaigns/<int:campaign_id>/submit/", views.idea_submit, name="submit"),
    path("similar/", views.similar_panel, name="similar"),
    path("mine/", views.my_ideas, name="mine"),
    path("notifications/", views.notifications, name="notifications"),
    path("moderation/", views.moderation, name="moderation"),
]
