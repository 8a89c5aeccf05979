from django.contrib import admin

from .models import Comment, Idea, IdeaStatusChange, IdeaTag, Notification


class IdeaTagInline(admin.TabularInline):
    model = IdeaTag
    extra = 0
    autocomplete_fields: list[str] = []
    raw_id_fields = ["tag"]


class IdeaStatusChangeInline(admin.TabularInline):
    model = IdeaStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "response", "created_at"]
    can_delete = False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "agency",
        "campaign",
        "status",
        "vote_count",
        "comment_count",
        "created_at",
    ]
    list_filter = ["status", "origin", "agency"]
    search_fields = ["title", "search_text"]
    raw_id_fields = ["author", "duplicate_of", "campaign"]
    readonly_fields = ["vote_count", "comment_count", "search_text", "keywords", "created_at"]
    inlines = [IdeaTagInline, IdeaStatusChangeInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["idea", "author", "created_at", "is_removed", "is_hidden"]
    list_filter = ["is_hidden", "is_removed"]
    raw_id_fields = ["idea", "author", "parent"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    raw_id_fields = ["user"]
