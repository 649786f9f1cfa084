from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Account,
    AdministrativeUnit,
    Conclusion,
    Meeting,
    Member,
    Plan,
    SteeringCommittee,
    UnitRole,
    UnitSuccession,
)


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete renders an empty `<option value=""></option>`, which HTML forbids
    (an option needs text or a label): the blank choice reads "---------" like a plain select."""

    def create_option(self, name, value, label, *args, **kwargs):
        return super().create_option(name, value, label if value != "" else "---------", *args, **kwargs)


class ValidAutocompleteMixin:
    """Use LabelledAutocompleteSelect for every autocomplete foreign key of an admin."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ValidAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ValidAutocompleteMixin, admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "basis"]
    list_filter = ["effective_on"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name", "basis"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "issuer", "title", "unit"]
    list_select_related = ["unit"]
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
class UnitRoleAdmin(ValidAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(Account)
class AccountAdmin(ValidAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["user", "unit", "must_change_password"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username", "user__first_name", "unit__code", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class ConclusionInline(admin.TabularInline):
    model = Conclusion
    extra = 1
    fields = ["order", "text", "owner", "due_on", "status", "follow_up"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "chair", "period_code"]
    list_filter = ["committees", "held_on"]
    search_fields = ["title", "chair", "place"]
    filter_horizontal = ["committees"]
    date_hierarchy = "held_on"
    inlines = [ConclusionInline]


@admin.register(Conclusion)
class ConclusionAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "order", "text", "owner", "due_on", "status"]
    list_filter = ["status", "meeting"]
    search_fields = ["text", "owner", "follow_up"]
    list_select_related = ["meeting"]
