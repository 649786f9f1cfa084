from django.contrib import admin

from .models import AdministrativeUnit, Member, Plan, SteeringCommittee, UnitRole, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "basis"]
    list_filter = ["effective_on"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name", "basis"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "issuer", "title"]
    search_fields = ["number", "title", "issuer"]
    date_hierarchy = "issued_on"


class MemberInline(admin.TabularInline):
    model = Member
    extra = 1


@admin.register(SteeringCommittee)
class SteeringCommitteeAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "unit", "standing_agency"]
    list_filter = ["unit"]
    search_fields = ["code", "name", "short_name"]
    inlines = [MemberInline]
    list_select_related = ["unit"]


@admin.register(UnitRole)
class UnitRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
