"""Criteria are edited by admins in Django admin (/django-admin/): one criteria set per fiscal
year; "copy to the next fiscal year" starts next year's criteria from this year's."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .models import Category, ChecklistQuestion, CriteriaSet, Item, SelfAssessment


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ("number", "name", "description")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "title", "created_at")
    inlines = [CategoryInline]
    actions = ["copy_to_next_year"]

    @admin.action(description="คัดลอกเกณฑ์ไปเป็นของปีงบประมาณถัดไป")
    def copy_to_next_year(self, request, queryset):
        for criteria in queryset:
            try:
                copy = services.criteria_set_copy(
                    source=criteria, fiscal_year=criteria.fiscal_year + 1
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, f"สร้างเกณฑ์ปีงบประมาณ {copy.fiscal_year} แล้ว")


class ChecklistQuestionInline(admin.TabularInline):
    model = ChecklistQuestion
    extra = 1
    fields = ("level", "text", "sort_order")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "result_code", "evidence_source", "category")
    list_filter = ("category__criteria_set", "category__number")
    search_fields = ("code", "name")
    list_select_related = ("category__criteria_set",)
    inlines = [ChecklistQuestionInline]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ("agency", "fiscal_year", "status", "updated_at")
    list_filter = ("status", "fiscal_year")
    list_select_related = ("agency",)
    readonly_fields = ("agency", "fiscal_year", "criteria_set", "created_by", "created_at")
    fields = (*readonly_fields, "status")
