"""The one credit-split check used by opportunities and orders."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.credits import check_credit_split


def messages(exc):
    return exc.value.message_dict["credits"]


def test_a_split_of_exactly_100_is_returned_with_users_and_cent_precision(cast):
    rows = check_credit_split(
        [{"rep": cast.rep_a, "percent": "60"}, {"rep": cast.rep_a2.pk, "percent": Decimal("40")}],
        allowed_ids={cast.rep_a.pk, cast.rep_a2.pk},
    )
    assert rows == [(cast.rep_a, Decimal("60.00")), (cast.rep_a2, Decimal("40.00"))]


def test_a_total_of_99_99_is_refused_naming_the_sum(cast):
    with pytest.raises(ValidationError) as exc:
        check_credit_split(
            [{"rep": cast.rep_a, "percent": "59.99"}, {"rep": cast.rep_a2, "percent": "40"}],
            allowed_ids={cast.rep_a.pk, cast.rep_a2.pk},
        )
    assert messages(exc) == ["The shares add up to 99.99%; they must total exactly 100.00%."]


def test_every_problem_is_listed_at_once(cast):
    with pytest.raises(ValidationError) as exc:
        check_credit_split(
            [
                {"rep": cast.rep_a, "percent": "0"},
                {"rep": cast.rep_a, "percent": "abc"},
                {"rep": cast.rep_b, "percent": "100"},
            ],
            allowed_ids={cast.rep_a.pk},
        )
    found = messages(exc)
    assert any("must be more than 0%" in m for m in found)
    assert any("the share abc is not a number" in m for m in found)
    assert any("cannot receive credit here" in m for m in found)


def test_an_empty_split_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        check_credit_split([], allowed_ids=set())
    assert messages(exc) == ["Give at least one rep a share of the credit."]
