"""The audit "History" table that detail pages include (templates/core/_history.html)."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone, translation

AT = timezone.make_aware(datetime.datetime(2026, 3, 4, 15, 7))


def entry(**fields):
    values = {"at": AT, "actor": None, "action_label": "Grade changed", "reason": "", "changes": {}}
    return SimpleNamespace(**{**values, **fields})


def render(params="", **context):
    template = Template(
        '{% load i18n %}{% include "core/_history.html" with entries=entries ' + params + " %}"
    )
    html = template.render(Context(context))
    return re.sub(r"\s*\n\s*", "", html)


def test_it_writes_when_who_and_change_with_the_system_for_no_actor():
    html = render(entries=[entry(actor="Ann <b>"), entry(action_label="Created")])
    assert html.startswith('<h2>History</h2><table class="list">')
    assert (
        '<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th>'
        "</tr></thead>"
    ) in html
    assert "<tr><td>2026-03-04 15:07</td><td>Ann &lt;b&gt;</td><td>Grade changed</td></tr>" in html
    assert "<tr><td>2026-03-04 15:07</td><td>The system</td><td>Created</td></tr>" in html
    assert "table-scroll" not in html and "nowrap" not in html and "Reason" not in html


def test_it_says_so_when_nothing_was_recorded():
    assert render(entries=[]) == '<h2>History</h2><p class="empty">No recorded changes.</p>'


def test_a_heading_replaces_history_above_the_table_and_the_empty_state():
    html = render('heading=_("Timeline")', entries=[entry()])
    assert html.startswith('<h2>Timeline</h2><table class="list">')
    assert "History" not in html
    empty = render('heading=_("Audit trail")', entries=[])
    assert empty == '<h2>Audit trail</h2><p class="empty">No recorded changes.</p>'


def test_a_heading_from_the_context_is_escaped():
    html = render("heading=title", title="Deals & <b>wins</b>", entries=[])
    assert html.startswith("<h2>Deals &amp; &lt;b&gt;wins&lt;/b&gt;</h2>")


def test_a_reason_heading_adds_the_reason_column_with_a_dash_for_none():
    html = render('reason_heading=_("Comment")', entries=[entry(reason="Typo & fix"), entry()])
    assert '<th scope="col">Change</th><th scope="col">Comment</th></tr>' in html
    assert "<td>Grade changed</td><td>Typo &amp; fix</td></tr>" in html
    assert "<td>Grade changed</td><td>—</td></tr>" in html


def test_a_page_may_leave_a_missing_reason_blank():
    html = render('reason_heading=_("Reason") no_reason=""', entries=[entry()])
    assert "<td>Grade changed</td><td></td></tr>" in html


def test_headings_fallbacks_and_date_format_are_parameters():
    html = render(
        'change_heading=_("What") no_actor="—" date_format="DATETIME_FORMAT"', entries=[entry()]
    )
    assert '<th scope="col">What</th></tr>' in html
    assert "<tr><td>4 Mar 2026, 15:07</td><td>—</td><td>Grade changed</td></tr>" in html


def test_scroll_and_nowrap_keep_the_pages_classes():
    html = render("scroll=True nowrap=True", entries=[entry()])
    assert html.startswith('<h2>History</h2><div class="table-scroll"><table class="list">')
    assert html.endswith("</table></div>")
    assert '<td class="nowrap">2026-03-04 15:07</td>' in html


def test_a_change_template_writes_the_change_cell_of_each_entry():
    change = Template("{{ entry.action_label }} ({{ entry.changes.session.1 }})")
    html = render(
        "change_template=change", change=change, entries=[entry(changes={"session": [None, 2]})]
    )
    assert "<td>Grade changed (2)</td>" in html


def test_it_follows_the_language():
    with translation.override("zh-hans"):
        html = render('reason_heading=_("Reason")', entries=[entry()])
        empty = render(entries=[])
        timeline = render('heading=_("Timeline")', entries=[])
    assert "History" not in html and "The system" not in html and "When" not in html
    assert "No recorded changes." not in empty
    assert "Timeline" not in timeline and timeline.startswith("<h2>")


def test_every_page_partial_passed_as_change_template_renders_an_entry():
    root = Path(settings.BASE_DIR) / "templates"
    names = [
        name
        for path in sorted(root.rglob("*.html"))
        for name in re.findall(
            r'core/_history\.html"[^%]*change_template="([^"]+)"', path.read_text()
        )
    ]
    assert len(names) >= 5
    for name in names:
        html = get_template(name).render({"entry": entry(changes={"grade": ["B", "A"]})})
        assert html.strip(), name
