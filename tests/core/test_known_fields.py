import pytest
from django.core.exceptions import ValidationError

from apps.core.services import require_known_fields


def test_known_fields_pass_silently():
    require_known_fields({"name": 1, "email": 2}, {"name"}, ["email", "phone"])


def test_each_unknown_field_is_named_in_order_with_the_reason():
    with pytest.raises(ValidationError) as caught:
        require_known_fields({"name": 1, "owner": 2, "amount": 3}, {"name"})
    assert caught.value.message_dict == {
        "amount": ["This field cannot be changed here."],
        "owner": ["This field cannot be changed here."],
    }


def test_no_allowed_names_refuses_every_field():
    with pytest.raises(ValidationError) as caught:
        require_known_fields(["name"])
    assert list(caught.value.message_dict) == ["name"]
