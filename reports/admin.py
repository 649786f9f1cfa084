from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from committees.admin import ValidAutocompleteMixin

from .models import ReportDocument


@admin.register(ReportDocument)
class ReportDocumentAdmin(ValidAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["number", "subject", "unit", "period", "committee", "status", "version", "issued_on"]
    list_filter = ["status", "period", "committee"]
    search_fields = ["number", "subject"]
    list_select_related = ["unit", "period", "committee"]
    autocomplete_fields = ["unit"]
    # The frozen content of a final report is written by reports.services.finalise only.
    readonly_fields = [
        "snapshot",
        "content_hash",
        "verification_code",
        "pdf_sha256",
        "signed_by",
        "finalised_at",
        "finalised_by",
        "status",
    ]
    # The issued PDF's bytes: downloaded from the report page, never shown here.
    exclude = ["pdf"]

    def get_readonly_fields(self, request, obj=None):
        # A final report is frozen: correct it with a new version from the report page.
        if obj is not None and obj.is_final:
            return [field.name for field in self.model._meta.fields if field.name not in self.exclude]
        return self.readonly_fields
