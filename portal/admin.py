from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agency, ApiToken, AuditLogEntry, ConsentRecord, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role", "agency"]
    search_fields = ["user__email", "agency__name"]
    autocomplete_fields = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at"]
    readonly_fields = ["key_digest", "prefix", "created_at", "last_used_at"]
    search_fields = ["user__email", "prefix"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("ร่วมคิด", {"fields": ("display_name", "is_erased")}))
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name", "username"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "purpose", "notice_version", "given_at", "withdrawn_at", "subject"]
    list_filter = ["purpose", "notice_version"]
    readonly_fields = [f.name for f in ConsentRecord._meta.fields]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "agency", "action", "target"]
    list_filter = ["action", "agency"]
    readonly_fields = [f.name for f in AuditLogEntry._meta.fields]
