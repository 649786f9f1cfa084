from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from committees.admin import ValidAutocompleteMixin

from .models import Criterion, Figure, Indicator, LockException, Period, PeriodSetting, Submission, Target


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "start", "end", "deadline", "is_open"]
    list_filter = ["is_open", "year"]
    search_fields = ["code"]
    list_editable = ["is_open", "deadline"]


class CriterionInline(ValidAutocompleteMixin, admin.TabularInline):
    model = Criterion
    fk_name = "status"
    extra = 1
    autocomplete_fields = ["indicator"]


@admin.register(Indicator)
class IndicatorAdmin(ValidAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "measure", "kind", "entry_level", "over_time", "committee", "section", "order"]
    list_filter = ["kind", "entry_level", "over_time", "committee"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["numerator", "denominator", "plan"]
    list_select_related = ["committee"]
    inlines = [CriterionInline]


@admin.register(Target)
class TargetAdmin(ValidAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["indicator", "unit", "period", "comparison", "value", "plan"]
    list_filter = ["period", "comparison"]
    search_fields = ["indicator__code", "indicator__name", "unit__code", "unit__name"]
    autocomplete_fields = ["indicator", "unit", "plan"]
    list_select_related = ["indicator", "unit", "period", "plan"]


class FigureInline(ValidAutocompleteMixin, admin.TabularInline):
    model = Figure
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "period", "status", "version", "updated_at", "updated_by"]
    list_filter = ["status", "period"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "period", "updated_by"]
    readonly_fields = ["version", "submitted_at", "submitted_by", "approved_at", "approved_by", "updated_by"]
    inlines = [FigureInline]


@admin.register(Figure)
class FigureAdmin(ValidAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["submission", "indicator", "value", "note"]
    list_filter = ["submission__period", "indicator__committee"]
    search_fields = ["submission__unit__code", "indicator__code", "indicator__name"]
    list_select_related = ["submission__unit", "submission__period", "indicator"]
    autocomplete_fields = ["indicator"]


@admin.register(PeriodSetting)
class PeriodSettingAdmin(SimpleHistoryAdmin):
    list_display = ["period", "unit", "is_open", "deadline", "changed_by", "changed_at"]
    list_filter = ["period", "is_open"]
    raw_id_fields = ["unit"]
    readonly_fields = ["changed_by", "changed_at"]


@admin.register(LockException)
class LockExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["period", "unit", "reason", "granted_by", "granted_at"]
    list_filter = ["period"]
    raw_id_fields = ["unit"]
    readonly_fields = ["granted_by", "granted_at"]
