from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ReportDocument


@admin.register(ReportDocument)
class ReportDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["number", "subject", "unit", "period", "committee", "status", "version", "issued_on"]
    list_filter = ["status", "period", "committee"]
    search_fields = ["number", "subject"]
    list_select_related = ["unit", "period", "committee"]
    autocomplete_fields = ["unit"]
    # The frozen content of a final report is written by reports.services.finalise only.
    readonly_fields = ["snapshot", "content_hash", "finalised_at", "finalised_by", "status"]

    def get_readonly_fields(self, request, obj=None):
        # A final report is frozen: correct it with a new version from the report page.
        if obj is not None and obj.is_final:
            return [field.name for field in self.model._meta.fields]
        return self.readonly_fields
