"""Admin screens. Changes that carry rules (grades, status, conversion) go through the app's
services: the rubric form here calls ``rubric_update`` (audited, regrades open leads), and
leads are read-only apart from their notes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.leads import selectors, services
from apps.leads.models import GradingRubric, Lead, LeadStatusChange, NurtureTouch


class GradingRubricAdminForm(forms.ModelForm):
    class Meta:
        model = GradingRubric
        fields = services.RUBRIC_FIELDS

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned[name] for name in services.RUBRIC_FIELDS if name in cleaned}
        try:
            services.rubric_validate(rubric=selectors.rubric_current(), values=values)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
        return cleaned


@admin.register(GradingRubric)
class GradingRubricAdmin(admin.ModelAdmin):
    form = GradingRubricAdminForm
    list_display = ("__str__", "a_min_total", "b_min_total", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
    fieldsets = (
        (_("Company size"), {"fields": ("size_small", "size_medium", "size_large")}),
        (_("Need match"), {"fields": ("need_low", "need_medium", "need_high")}),
        (
            _("Decision-chain complexity"),
            {"fields": ("chain_complex", "chain_moderate", "chain_simple")},
        ),
        (_("Grades"), {"fields": ("a_min_total", "b_min_total", "updated_by", "updated_at")}),
    )

    def has_add_permission(self, request):
        return not GradingRubric.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        services.rubric_ensure()  # the row exists once somebody looks
        return super().get_queryset(request)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in services.RUBRIC_FIELDS}
        result = services.rubric_update(actor=request.user, **values)
        obj.pk = result.rubric.pk
        self.message_user(
            request,
            ngettext(
                "%(count)s open lead was regraded.",
                "%(count)s open leads were regraded.",
                result.regraded,
            )
            % {"count": result.regraded},
            level=messages.INFO,
        )


class LeadStatusChangeInline(admin.TabularInline):
    model = LeadStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class NurtureTouchInline(admin.TabularInline):
    model = NurtureTouch
    extra = 0
    can_delete = False
    fields = ("touched_on", "channel", "content", "by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = (
        "company_name",
        "grade",
        "rubric_grade",
        "status",
        "source",
        "owner",
        "created_at",
    )
    list_filter = ("grade", "status", "source", "company_size", "need_match")
    search_fields = ("company_name", "contact_name", "phone", "email")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    inlines = [LeadStatusChangeInline, NurtureTouchInline]
    readonly_fields = (
        "company_name",
        "contact_name",
        "phone",
        "email",
        "industry",
        "company_size",
        "need_match",
        "decision_complexity",
        "source",
        "referred_by",
        "owner",
        "status",
        "disqualified_reason",
        "rubric_grade",
        "grade_override",
        "override_reason",
        "override_by",
        "override_at",
        "grade",
        "first_contacted_at",
        "converted_at",
        "created_at",
        "updated_at",
    )
    fields = (*readonly_fields[:-2], "notes", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False  # leads are created in the app, where duplicates and owners are checked

    def has_delete_permission(self, request, obj=None):
        return False
