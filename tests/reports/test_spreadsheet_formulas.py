"""No spreadsheet the app writes turns user text into a formula (issue 17, finding 2).

On main a commune officer's note ``=HYPERLINK(...)`` became a live formula in the import
template the district downloads, and unit names, a report's issuing body and place, and
conclusion texts did the same in the dashboard and report exports. Each sheet is read back
and its XML checked: the text is there as typed, as a string, and no cell has a formula.
"""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from committees.models import AdministrativeUnit, Conclusion
from indicators.models import Figure
from reports import documents
from reports.models import ReportDocument

EVIL = '=HYPERLINK("http://evil.example/note","Bấm note")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"


def _formula_free(body):
    """Every cell of every sheet, after checking the XML holds no formula at all."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    book = load_workbook(io.BytesIO(body))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    return [cell.value for cell in cells]


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_import_template_keeps_notes_and_names_as_text(demo, client):
    figure = Figure.objects.filter(submission__unit__code="06913", submission__period__code="2024-H1").first()
    figure.note = EVIL
    figure.save()
    AdministrativeUnit.objects.filter(code="06913").update(name=DDE)
    response = _login(client, "duyet").get("/import/template/200/2024-H1.xlsx")
    assert response.status_code == 200
    values = _formula_free(response.content)
    assert EVIL in values and DDE in values


def test_dashboard_export_keeps_unit_names_as_text(demo, client):
    AdministrativeUnit.objects.filter(code="06913").update(name=DDE)
    AdministrativeUnit.objects.filter(code="200").update(name=PLUS)
    response = _login(client, "lanhdao").get("/dashboard/200/2024-H1/export.xlsx")
    assert response.status_code == 200, response.status_code
    values = _formula_free(response.content)
    assert DDE in values
    assert any(isinstance(value, str) and value.startswith(PLUS) for value in values)


@pytest.mark.django_db
def test_report_workbook_keeps_issuing_body_place_and_conclusions_as_text(report_demo_data):
    from committees.models import SteeringCommittee
    from indicators.models import Period
    from reports import services

    committee = SteeringCommittee.objects.get(code="BCD138-200")
    office = get_user_model().objects.get(username="vanphong")
    report = services.create_report(
        user=office, committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2")
    )
    ReportDocument.objects.filter(pk=report.pk).update(issuing_body=EVIL, place=DDE)
    report.refresh_from_db()
    Conclusion.objects.filter(meeting=documents.previous_meeting(report)).update(text=EVIL, owner=DDE)
    response = _login(Client(), "vanphong").get(f"/reports/{report.pk}.xlsx")
    assert response.status_code == 200
    values = _formula_free(response.content)
    assert any(isinstance(value, str) and value.startswith(EVIL) for value in values)  # "<body> — BÁO CÁO …"
    assert EVIL in values and DDE in values  # a conclusion's text and owner
    assert any(isinstance(value, str) and DDE in value for value in values)  # the place-and-date line
