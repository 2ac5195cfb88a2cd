"""Records that change only through services (validation, versions, audit) are read only in the
Django admin: no add, change or delete, even for a superuser."""

import pytest
from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayStatement
from apps.training.models import TrainingProposal, TrainingSettings


@pytest.mark.parametrize(
    "model",
    [PayPolicy, PayRun, PayStatement, PayAdjustment, TrainingProposal, TrainingSettings],
)
def test_pay_and_training_records_are_read_only_in_the_admin(model, rf, admin_user):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    assert isinstance(model_admin, ReadOnlyAdmin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
