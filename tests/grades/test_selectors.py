"""The dashboard summary of grades (for the company dashboard's panel) and its template."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from apps.grades import selectors, services
from tests.grades.conftest import add_reviews

pytestmark = pytest.mark.django_db


def test_summary_counts_grades_and_nine_box_of_the_latest_cycle(cast, annual_cycle):
    add_reviews(annual_cycle, [95, 80, 70, 60, 50], people=None, qualitative=[95, 80, 80, 60, 60])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    annual_cycle.grades.update(quantitative_score=95)
    summary = selectors.distribution_summary(user=cast.hr)
    assert summary["cycle"] == annual_cycle
    assert summary["counts"] == {"A": 1, "B": 3, "C": 1}
    high_column = [row[2]["count"] for row in summary["grid"]]  # qualitative high, mid, low
    assert high_column == [1, 2, 2]


def test_summary_is_scoped_and_absent_without_visible_grades(cast, annual_cycle):
    add_reviews(annual_cycle, [90, 80], people=[cast.rep_a, cast.rep_b])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    assert selectors.distribution_summary(user=cast.manager_a) is None  # not finalised
    services.grades_finalise(actor=cast.hr, cycle=annual_cycle)
    assert selectors.distribution_summary(user=cast.manager_a)["total"] == 1


def test_summary_reads_in_a_fixed_number_of_queries(cast, django_assert_num_queries):
    from tests.grades.conftest import make_annual_cycle

    for size in (5, 40):
        cycle = make_annual_cycle()
        add_reviews(cycle, list(range(size)))
        services.grades_propose(cycle=cycle, actor=cast.hr)
        with django_assert_num_queries(3):  # the latest cycle id, the cycle, the grades
            assert selectors.distribution_summary(user=cast.hr)["total"] == size


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_panel_template_renders_the_summary(cast, annual_cycle, language):
    from django.utils import translation

    add_reviews(annual_cycle, [90, 80, 70])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    panel = SimpleNamespace(context=selectors.distribution_summary(user=cast.hr))
    with translation.override(language):
        html = render_to_string("grades/dashboard_panel.html", {"panel": panel})
    assert f"?cycle={annual_cycle.pk}&amp;grade=A" in html
    assert "ninebox-counts" in html
