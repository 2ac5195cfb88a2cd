"""CSV lead imports: quoting, delimiters and the encodings spreadsheets save in (issue #9).

Every file is built here as bytes, the way Excel, WPS and LibreOffice write them: CRLF line
ends, quotes doubled inside quoted fields, UTF-8 with or without a BOM, GB18030 (Excel/WPS
"CSV" on a Chinese Windows), UTF-16 with a BOM (Excel "Unicode text", tab-separated).
"""

import codecs

import pytest

from apps.leads import imports, services
from apps.leads.models import Lead
from apps.leads.services import LeadImportError

pytestmark = pytest.mark.django_db

HEADER = "company_name,contact_name,phone,company_size,need_match,decision_complexity,source"

#: (company name as stored, the same name as a CSV cell) -- quotes doubled, commas, newlines.
NAMES = [
    ('Acme "Best" Ltd', '"Acme ""Best"" Ltd"'),
    ("北京星辰科技有限公司", "北京星辰科技有限公司"),
    ("上海「东方」贸易, 有限公司", '"上海「东方」贸易, 有限公司"'),
    # A line break inside a cell (Alt+Enter) is a bare LF; rows end with CRLF.
    ('深圳"华南"电子\n第二事业部', '"深圳""华南""电子\n第二事业部"'),
    ('"Quoted" Start; Co', '"""Quoted"" Start; Co"'),
]


def csv_text(delimiter=",", names=NAMES) -> str:
    """A CSV as a spreadsheet saves it (CRLF) with ``delimiter``: one lead per name."""
    lines = [HEADER.replace(",", delimiter)]
    for index, (_name, cell) in enumerate(names):
        rest = ["张伟", f"1390000{index:04d}", "large", "high", "simple", "exhibition"]
        lines.append(delimiter.join([cell, *rest]))
    return "\r\n".join(lines) + "\r\n"


def run_import(actor, data: bytes, name="leads.csv"):
    return services.lead_import(actor=actor, file_name=name, data=data)


def stored_names() -> list[str]:
    return sorted(Lead.objects.values_list("company_name", flat=True))


def expected_names(names=NAMES) -> list[str]:
    return sorted(name for name, _cell in names)


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8 (LibreOffice, WPS)"),
        pytest.param(
            lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), id="utf-8 with BOM (Excel)"
        ),
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030 (Excel/WPS on zh-CN)"),
    ],
)
def test_quoted_chinese_names_import_exactly_in_every_common_encoding(cast, encode):
    leads = run_import(cast.rep_a, encode(csv_text()))
    assert len(leads) == len(NAMES)
    assert stored_names() == expected_names()
    # No column shifted: every row kept its phone and its contact.
    assert set(Lead.objects.values_list("contact_name", flat=True)) == {"张伟"}
    assert sorted(Lead.objects.values_list("phone", flat=True)) == [
        f"1390000{index:04d}" for index in range(len(NAMES))
    ]


def test_doubled_quotes_are_read_as_one_quote(cast):
    """The reported case: the dialect sniffed from the (unquoted) header turned doubled
    quotes off and stored ``Acme "Best"" Ltd"``."""
    data = HEADER + '\r\n"Acme ""Best"" Ltd",Li,13900000001,large,high,simple,exhibition\r\n'
    run_import(cast.rep_a, data.encode("utf-8"))
    lead = Lead.objects.get()
    assert lead.company_name == 'Acme "Best" Ltd'
    assert (lead.contact_name, lead.phone, lead.source) == ("Li", "13900000001", "exhibition")


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_semicolon_and_tab_separated_files_import(cast, delimiter):
    # Semicolons inside a quoted name must not be taken for the delimiter either.
    run_import(cast.rep_a, csv_text(delimiter).encode("utf-8"))
    assert stored_names() == expected_names()


def test_excel_unicode_text_utf16_with_bom_imports(cast):
    data = codecs.BOM_UTF16_LE + csv_text("\t").encode("utf-16-le")
    run_import(cast.rep_a, data, name="leads.txt")
    assert stored_names() == expected_names()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            (HEADER + "\r\nCaf\xe9 Ren\xe9,Li,1,large,high,simple,exhibition\r\n").encode("cp1252"),
            id="windows-1252",
        ),
        pytest.param(csv_text().encode("utf-16-le"), id="utf-16 without BOM"),
        pytest.param(HEADER.encode() + b"\r\n\x81\x30\xff\xfe,x,1,large\r\n", id="garbage bytes"),
    ],
)
def test_a_file_in_an_unreadable_encoding_is_refused_and_nothing_is_imported(cast, data):
    with pytest.raises(LeadImportError) as excinfo:
        run_import(cast.rep_a, data)
    [error] = excinfo.value.row_errors
    assert (error.line, error.field) == (0, "file")
    assert error.message == (
        "The file's text encoding cannot be read: save it as CSV in UTF-8 "
        "(Excel: “CSV UTF-8”) or GB18030, or as .xlsx."
    )
    assert not Lead.objects.exists()


def test_the_delimiter_comes_from_the_header_outside_quotes():
    assert imports._delimiter("company_name,source") == ","
    assert imports._delimiter("company_name;source;phone") == ";"
    assert imports._delimiter("company_name\tsource") == "\t"
    assert imports._delimiter('"a;b;c",company_name,source') == ","
    assert imports._delimiter("company_name") == ","


def test_decode_csv_prefers_utf8_and_reads_gb18030():
    assert imports.decode_csv("名称".encode()) == "名称"
    assert imports.decode_csv(codecs.BOM_UTF8 + "名称".encode()) == "名称"
    assert imports.decode_csv("名称".encode("gb18030")) == "名称"
    assert imports.decode_csv("名称".encode("gbk")) == "名称"
