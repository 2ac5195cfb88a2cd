"""Browser forms. They collect input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.forms import Form, ModelForm
from apps.core.ownership import assignable_owners
from apps.core.querysets import including
from apps.customers.models import Customer
from apps.opportunities import selectors, services
from apps.opportunities.choices import OpportunityKind, RiskKind, RiskStatus, Stage
from apps.opportunities.models import Proposal, Risk, SpinNote

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})


class OpportunityForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=OpportunityKind.choices,
        initial=OpportunityKind.NEW_BUSINESS,
        help_text=_("Anything but new business on an existing customer is repeat business."),
    )
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=None, required=False)
    expected_amount = forms.DecimalField(
        label=_("Expected amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    expected_close_on = forms.DateField(
        label=_("Expected close"), required=False, widget=DATE_INPUT
    )
    needs_confirmed = forms.BooleanField(
        label=_("Needs confirmed with the customer"), required=False
    )

    def __init__(self, *args, user, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        customers = Customer.objects.visible_to(user).active()
        owners = assignable_owners(user)
        if opportunity is not None:
            # The current customer and owner stay choosable even if not picked anew.
            customers = including(customers, opportunity.customer_id)
            owners = including(owners, opportunity.owner_id)
        self.fields["customer"].queryset = customers.order_by("name")
        self.fields["lead"].queryset = selectors.visible_leads(user=user).order_by("company_name")
        self.fields["owner"].queryset = owners.order_by("username")
        if user.is_rep and not user.sees_everything:
            # A rep always owns what they create; the owner of an existing one stays.
            del self.fields["owner"]
        elif opportunity is None:
            self.fields["owner"].initial = user.pk


class OpportunityUpdateForm(OpportunityForm):
    """Edit form; negotiation terms appear while the opportunity is in negotiation."""

    negotiated_price = forms.DecimalField(
        label=_("Negotiated price"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    delivery_cycle_days = forms.IntegerField(
        label=_("Delivery cycle (days)"), min_value=0, required=False
    )
    service_terms = forms.CharField(label=_("Service terms"), widget=SHORT_TEXT, required=False)

    def __init__(self, *args, user, opportunity, **kwargs):
        super().__init__(*args, user=user, opportunity=opportunity, **kwargs)
        if opportunity.stage != Stage.NEGOTIATION:
            for name in services.TERMS_FIELDS:
                del self.fields[name]


class MoveForm(Form):
    stage = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(
        label=_("Note"),
        widget=SHORT_TEXT,
        required=False,
        help_text=_("Required when moving back a stage."),
    )
    lost_reason = forms.CharField(
        label=_("Reason lost"),
        widget=SHORT_TEXT,
        required=False,
        help_text=_("Required when the opportunity is lost."),
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage, Stage(stage).label) for stage in stages]


class CreditRowForm(Form):
    rep = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none(), required=False)
    percent = forms.DecimalField(label=_("Share %"), max_digits=5, decimal_places=2, required=False)

    def __init__(self, *args, reps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reps is not None:
            self.fields["rep"].queryset = reps

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("rep") is None and data.get("percent") is None


class NeedsConfirmedForm(Form):
    """The hidden field of the detail page's toggle: ``"1"`` confirms, anything else does not."""

    needs_confirmed = forms.CharField(required=False)

    def clean_needs_confirmed(self) -> bool:
        return self.cleaned_data["needs_confirmed"] == "1"


class BaseCreditFormSet(forms.BaseFormSet):
    """The credit rows. The formset has no fields of its own: the errors the service raises on
    the split as a whole (see :func:`apps.core.mixins.add_service_errors`) are collected in
    ``service_errors`` and shown above the rows."""

    fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_errors: list[str] = []

    def add_error(self, field, errors) -> None:
        self.service_errors.extend(errors if isinstance(errors, list) else [errors])

    def credits(self) -> list[dict]:
        """The filled rows as the service expects them (blank rows are skipped)."""
        rows = []
        for form in self.forms:
            if form.is_blank():
                continue
            rows.append(
                {"rep": form.cleaned_data.get("rep"), "percent": form.cleaned_data.get("percent")}
            )
        return rows


CreditFormSet = forms.formset_factory(CreditRowForm, formset=BaseCreditFormSet, extra=3)


class SpinNoteForm(ModelForm):
    class Meta:
        model = SpinNote
        fields = list(services.SPIN_FIELDS)
        widgets = dict.fromkeys(services.SPIN_FIELDS, SHORT_TEXT)


class ProposalForm(ModelForm):
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG; at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg"}),
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "features",
            "service_model",
            "cost_budget",
            "expected_gain",
            "differentiators",
        ]
        widgets = {
            "features": SHORT_TEXT,
            "service_model": SHORT_TEXT,
            "differentiators": SHORT_TEXT,
        }

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        problems = services.attachment_errors(upload) if upload else []
        if problems:
            raise forms.ValidationError(problems)
        return upload


class ProposalReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=SHORT_TEXT,
        required=False,
        help_text=_("Required when you reject."),
    )


class RiskForm(ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=RiskKind.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=RiskStatus.choices, initial=RiskStatus.OPEN
    )

    class Meta:
        model = Risk
        fields = [
            "kind",
            "description",
            "mitigation",
            "involves_legal",
            "involves_finance",
            "status",
        ]
        widgets = {"description": SHORT_TEXT, "mitigation": SHORT_TEXT}


class PipelineSettingsForm(Form):
    solution_pre_review = forms.BooleanField(
        label=_("Solution pre-review"),
        required=False,
        help_text=_(
            "When on, a proposal must be approved by a manager of the owner's team or an admin "
            "before the opportunity may enter negotiation."
        ),
    )
