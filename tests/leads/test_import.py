"""Importing leads from CSV and XLSX: every bad row reported, all or nothing."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from apps.leads import imports, services
from apps.leads.models import Lead, LeadStatusChange
from apps.leads.services import LeadImportError
from tests.factories import CustomerFactory, IndustryFactory, LeadFactory

pytestmark = pytest.mark.django_db

HEADER = ["company_name", "contact_name", "phone", "email", "company_size", "need_match",
          "decision_complexity", "source"]  # fmt: skip


def row(
    company, phone="", email="", size="large", need="high", chain="simple", source="exhibition"
):
    return [company, "Contact", phone, email, size, need, chain, source]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(actor, data, name="leads.csv"):
    return services.lead_import(actor=actor, file_name=name, data=data)


def problems(excinfo) -> set[tuple[int, str]]:
    return {(error.line, error.field) for error in excinfo.value.row_errors}


def message_for(excinfo, line, field) -> str:
    return next(
        error.message
        for error in excinfo.value.row_errors
        if (error.line, error.field) == (line, field)
    )


def test_csv_import_creates_graded_leads_owned_by_the_importer(cast):
    data = csv_bytes(
        [
            row("Alpha Tech Ltd", phone="13900000001"),
            row("Beta Foods", size="small", need="low", chain="complex", source="website_inquiry"),
        ]
    )
    leads = run_import(cast.rep_a, data)
    assert len(leads) == 2
    alpha, beta = Lead.objects.order_by("company_name")
    assert (alpha.grade, alpha.owner, alpha.status, alpha.phone_key) == (
        "A",
        cast.rep_a,
        "new",
        "13900000001",
    )
    assert (beta.grade, beta.source) == ("C", "website_inquiry")
    assert LeadStatusChange.objects.filter(to_status="new", changed_by=cast.rep_a).count() == 2


def test_xlsx_import_reads_numbers_as_text(cast):
    data = xlsx_bytes([row("Gamma Steel", phone=13900000002), row("Delta Paper")])
    leads = run_import(cast.rep_a, data, name="leads.xlsx")
    assert len(leads) == 2
    assert Lead.objects.get(company_name="Gamma Steel").phone == "13900000002"


def test_every_bad_row_is_reported_and_nothing_is_imported(cast):
    LeadFactory(owner=cast.rep_b, company_name="Existing Prospect Co., Ltd.")
    CustomerFactory(owner=cast.rep_b, name="Customer One", email="buy@one.cn")
    data = csv_bytes(
        [
            row("Good Row Ltd"),  # line 2
            row("", email="x@y.cn"),  # line 3: missing company
            row("Bad Choice", size="huge", source="fax"),  # line 4
            row("Bad Mail", email="not-mail"),  # line 5
            row("GOOD ROW"),  # line 6: same company as line 2
            row("existing prospect"),  # line 7: matches another rep's lead
            row("Fresh Name", email="BUY@one.cn"),  # line 8: matches a customer's e-mail
        ]
    )
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, data)
    assert problems(excinfo) == {
        (3, "company_name"),
        (4, "company_size"),
        (4, "source"),
        (5, "email"),
        (6, "company_name"),
        (7, "company_name"),
        (8, "email"),
    }
    assert message_for(excinfo, 3, "company_name") == "The company name is required."
    assert "Unknown value huge" in message_for(excinfo, 4, "company_size")
    assert message_for(excinfo, 6, "company_name") == (
        "Duplicate within the file: same company name as line 2."
    )
    assert message_for(excinfo, 7, "company_name") == (
        "Matches an existing lead or customer (same company name)."
    )
    assert "Existing" not in str([e.message for e in excinfo.value.row_errors])
    assert excinfo.value.messages == ["7 problems found; nothing was imported."]
    assert Lead.objects.count() == 1


def test_xlsx_with_a_bad_row_imports_nothing(cast):
    data = xlsx_bytes([row("Fine Ltd"), row("Broken", need="maybe")])
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, data, name="leads.xlsx")
    assert problems(excinfo) == {(3, "need_match")}
    assert not Lead.objects.exists()


def test_owner_column_follows_the_create_rules(cast):
    header = [*HEADER, "owner"]
    data = csv_bytes(
        [
            [*row("For Rep A2"), "rep_a2"],
            [*row("For Myself"), ""],
            [*row("Other Team"), "rep_b"],
            [*row("Nobody"), "ghost"],
        ],
        header=header,
    )
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.manager_a, data)
    assert problems(excinfo) == {(4, "owner"), (5, "owner")}
    assert "is not in a team you manage" in message_for(excinfo, 4, "owner")
    assert message_for(excinfo, 5, "owner") == "Unknown owner username ghost."

    good = csv_bytes([[*row("For Rep A2"), "REP_A2"], [*row("For Myself"), ""]], header=header)
    run_import(cast.manager_a, good)
    owners = dict(Lead.objects.values_list("company_name", "owner__username"))
    assert owners == {"For Rep A2": "rep_a2", "For Myself": "manager_a"}


def test_an_admin_must_give_owners(cast):
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.admin, csv_bytes([row("No Owner")]))
    assert problems(excinfo) == {(2, "owner")}


def test_industry_by_name_and_referrer_by_id(cast):
    industry = IndustryFactory(name="Manufacturing")
    referrer = CustomerFactory(owner=cast.rep_a)
    foreign = CustomerFactory(owner=cast.rep_b)
    header = [*HEADER, "industry", "referred_by"]
    with pytest.raises(LeadImportError) as excinfo:
        run_import(
            cast.rep_a,
            csv_bytes(
                [
                    [*row("Ok", source="customer_referral"), "manufacturing", str(referrer.pk)],
                    [*row("Foreign", source="customer_referral"), "", str(foreign.pk)],
                    [*row("No Referrer", source="customer_referral"), "", ""],
                    [*row("Mining Co"), "Mining", ""],
                ],
                header=header,
            ),
        )
    assert problems(excinfo) == {(3, "referred_by"), (4, "referred_by"), (5, "industry")}
    assert "Unknown referring customer" in message_for(excinfo, 3, "referred_by")
    run_import(
        cast.rep_a,
        csv_bytes(
            [[*row("Ok", source="customer_referral"), "MANUFACTURING", str(referrer.pk)]],
            header=header,
        ),
    )
    lead = Lead.objects.get()
    assert (lead.industry, lead.referred_by) == (industry, referrer)


def test_unknown_and_missing_columns_are_reported_on_the_header_line(cast):
    header = ["company", "company_size", "need_match", "decision_complexity", "source"]
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, csv_bytes([["X", "large", "high", "simple", "exhibition"]], header))
    assert problems(excinfo) == {(1, "company"), (1, "company_name")}
    assert "Unknown column company" in message_for(excinfo, 1, "company")
    assert not Lead.objects.exists()


def test_header_is_case_insensitive_and_semicolons_and_gbk_are_read(cast):
    text = (
        "Company_Name;Company Size;need_match;decision_complexity;source\n"
        "华信机械;large;high;simple;exhibition\n"
    )
    run_import(cast.rep_a, text.encode("gb18030"))
    assert Lead.objects.get().company_name == "华信机械"


def test_too_large_files_are_refused(cast, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, csv_bytes([row(f"Company {n}") for n in range(10)]))
    assert "too large" in excinfo.value.row_errors[0].message
    assert not Lead.objects.exists()


def test_too_many_rows_are_refused(cast, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 3)
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, csv_bytes([row(f"Company {n}") for n in range(4)]))
    assert "at most 3 leads" in excinfo.value.row_errors[0].message
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("leads.csv", b"", "The file is empty."),
        ("leads.csv", b"company_name\nAcme\n", "required column"),
        ("leads.xls", b"\xd0\xcf\x11\xe0 old excel", "Upload a .csv or .xlsx file"),
        ("leads.xlsx", b"PK\x03\x04 broken zip", "not a readable .xlsx"),
    ],
)
def test_unreadable_files_are_explained(cast, name, data, message):
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, data, name=name)
    assert any(message in error.message for error in excinfo.value.row_errors)


def test_a_header_only_file_has_no_rows(cast):
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, csv_bytes([]))
    assert excinfo.value.row_errors[0].message == "The file has no data rows."


def test_hr_may_not_import(cast):
    with pytest.raises(PermissionDenied):
        run_import(cast.hr, csv_bytes([row("X")]))
