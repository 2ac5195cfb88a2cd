"""Browser pages of performance pay (SPEC §2.6).

HR and admins: the pay runs (open one for a month), a run's page (everyone's statements with
team totals, recompute, close after a confirmation, correct a closed run) and the pay policies
(a new version). Everyone: their own statements (``/pay/mine/``) and a statement's page, which
the person, their managers, HR and admins may read (:meth:`PayStatement.visible_to`).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from apps.core.mixins import ServiceFormView
from apps.core.permissions import require
from apps.pay import permissions, selectors, services
from apps.pay.choices import MissingInput, PayRunStatus
from apps.pay.filters import RunStatementFilter
from apps.pay.forms import PayPolicyForm, PayRunConfirmForm, PayRunCorrectForm, PayRunOpenForm
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayStatement
from apps.reviews.choices import ReviewStatus
from apps.reviews.models import Review
from apps.scorecards.models import Scorecard

DENIED = gettext_lazy("Only HR and admins run pay.")
#: Pay runs and statements listed per page.
PAGE_SIZE = 25
MISSING_LABELS = dict(MissingInput.choices)
#: Statuses in which a run is being computed (the page offers a refresh and shows progress).
COMPUTING = (PayRunStatus.QUEUED, PayRunStatus.COMPUTING)


def with_figures(queryset):
    """Runs with the number of people paid and the total (one query for a page of runs)."""
    return queryset.annotate(people=Count("statements"), amount=Sum("statements__total"))


def run_queryset(user):
    return PayRun.objects.visible_to(user).select_related("policy", "opened_by", "closed_by")


def export_links(run) -> list[tuple[str, str]]:
    base = reverse("exports:export-download")
    links = []
    for file_format, label in (("xlsx", _("Excel (XLSX)")), ("csv", _("CSV"))):
        query = urlencode({"dataset": "pay", "format": file_format, "month": run.period_key})
        links.append((label, f"{base}?{query}"))
    return links


def places(amount) -> int:
    """Decimals to show an amount with: 2, or 4 for an exact component with more."""
    if amount is None or amount == round(amount, 2):
        return 2
    return 4


class PayRunnerMixin(LoginRequiredMixin):
    """HR and admins only: anyone else gets the 403 page saying so."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(permissions.may_run_pay(request.user), DENIED)
        return super().dispatch(request, *args, **kwargs)


class PayRunListView(PayRunnerMixin, ServiceFormView):
    """The pay runs, newest month first, and the form to open one for a month."""

    form_class = PayRunOpenForm
    template_name = "pay/run_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = with_figures(run_queryset(self.request.user)).order_by("-period_start", "-pk")
        page = Paginator(runs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            runs=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            computing=COMPUTING,
        )
        return context

    def perform_service(self, form):
        return services.pay_run_open(
            actor=self.request.user, period_key=form.cleaned_data["period_key"]
        )

    def get_success_message(self, result):
        return _("Pay run of %(month)s opened: it is being computed.") % {"month": result}

    def get_success_url(self, result=None):
        return reverse("pay:run-detail", args=[result.pk])


class PayRunDetailView(PayRunnerMixin, ListView):
    """A run: status, policy, actions, the statements (filtered, paginated), team totals,
    adjustments carried in it and the export links."""

    template_name = "pay/run_detail.html"
    context_object_name = "statements"
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.run = get_object_or_404(with_figures(run_queryset(request.user)), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        statements = selectors.statements_for_run(self.run, self.request.user)
        self.filterset = RunStatementFilter(
            self.request.GET or None, queryset=statements, request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("page", None)
        team_rows, grand_total = selectors.team_totals(run, user)
        context.update(
            run=run,
            policy=run.policy,
            filterset=self.filterset,
            querystring=query.urlencode(),
            team_rows=team_rows,
            grand_total=grand_total,
            adjustments=PayAdjustment.objects.visible_to(user)
            .filter(run=run)
            .select_related("person", "corrected_run", "created_by")
            .order_by("corrected_run__period_start", "person__username", "pk"),
            export_links=export_links(run),
            is_computing=run.status in COMPUTING,
            can_recompute=run.status in (PayRunStatus.OPEN, PayRunStatus.FAILED),
            can_close=run.status == PayRunStatus.OPEN,
            can_correct=run.status == PayRunStatus.CLOSED,
        )
        return context


class _RunActionView(PayRunnerMixin, ServiceFormView):
    """A write on one run (recompute, close, correct): the confirmation page, then the
    service."""

    object_queryset = PayRun.objects.select_related("policy")
    object_context_name = "run"
    version_check = True
    form_class = PayRunConfirmForm
    template_name = "pay/run_action.html"
    title = ""
    lead = ""
    button = ""

    def get_context_data(self, **kwargs):
        run = self.object
        kwargs.setdefault("title", self.title % {"month": run})
        kwargs.setdefault("lead", self.lead)
        kwargs.setdefault("button", self.button)
        kwargs.setdefault(
            "summary",
            with_figures(PayRun.objects.filter(pk=run.pk)).values("people", "amount").first(),
        )
        return super().get_context_data(**kwargs)

    def get_success_url(self, result=None):
        return reverse("pay:run-detail", args=[self.object.pk])


class PayRunRecomputeView(_RunActionView):
    title = gettext_lazy("Recompute the pay run of %(month)s")
    lead = gettext_lazy(
        "Everyone's pay of the month is computed again from today's scores, reviews and "
        "satisfaction; the adjustments carried in this run stay."
    )
    button = gettext_lazy("Recompute")

    def perform_service(self, form):
        return services.pay_run_recompute(
            actor=self.request.user, run=self.object, expected_version=self.expected_version
        )

    def get_success_message(self, result):
        return _("The pay run of %(month)s is being computed again.") % {"month": result}


class PayRunCloseView(_RunActionView):
    title = gettext_lazy("Close the pay run of %(month)s")
    lead = gettext_lazy(
        "Closing locks the run: its statements are final and can no longer be recomputed. A "
        "later correction is paid as an adjustment in the next open run."
    )
    button = gettext_lazy("Close the run")

    def perform_service(self, form):
        return services.pay_run_close(
            actor=self.request.user, run=self.object, expected_version=self.expected_version
        )

    def get_success_message(self, result):
        return _("The pay run of %(month)s is closed and locked.") % {"month": result}


class PayRunCorrectView(_RunActionView):
    form_class = PayRunCorrectForm
    version_check = False
    title = gettext_lazy("Correct the closed pay run of %(month)s")
    lead = gettext_lazy(
        "The month's pay is computed again with the run's own policy. For each person whose "
        "pay differs from what was paid, the difference is added to the next open run as an "
        "adjustment; the closed statements stay as they were."
    )
    button = gettext_lazy("Correct")

    def perform_service(self, form):
        return services.pay_run_correct(
            actor=self.request.user, run=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, result):
        if not result:
            return _("Nobody's pay of %(month)s differs: no adjustment was written.") % {
                "month": self.object
            }
        return _("%(count)s adjustments written into the pay run of %(target)s.") % {
            "count": len(result),
            "target": result[0].run,
        }


class PayStatementDetailView(LoginRequiredMixin, DetailView):
    """One statement: its inputs and where they came from, each step of the sum, what was
    missing, the rounding, the adjustments and the total. The person, their managers, HR and
    admins (others: 404)."""

    model = PayStatement
    template_name = "pay/statement_detail.html"
    context_object_name = "statement"

    def get_queryset(self):
        return PayStatement.objects.visible_to(self.request.user).select_related(
            "run", "run__policy", "person", "team"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.object
        user = self.request.user
        run = statement.run
        cards = Scorecard.objects.visible_to(user).filter(rep=statement.person_id)
        keys = [run.period_key]
        if statement.satisfaction_period:
            keys.append(statement.satisfaction_period)
        by_key = {card.period_key: card for card in cards.filter(period_key__in=keys)}
        review = None
        if statement.qualitative_period:
            review = (
                Review.objects.visible_to(user)
                .filter(
                    person=statement.person_id,
                    status=ReviewStatus.FINALISED,
                    cycle__period_key=statement.qualitative_period,
                )
                .order_by("-pk")
                .first()
            )
        steps = [
            {"label": label, "formula": formula, "amount": amount, "places": places(amount)}
            for label, formula, amount in selectors.statement_steps(statement, run.policy)
        ]
        gross = (
            statement.base_pay
            + statement.performance_bonus
            + statement.capability_bonus
            + statement.satisfaction_bonus
        )
        context.update(
            run=run,
            policy=run.policy,
            monthly_card=by_key.get(run.period_key),
            satisfaction_card=by_key.get(statement.satisfaction_period)
            if statement.satisfaction_period
            else None,
            review=review,
            steps=steps,
            gross=gross,
            rounding=statement.computed_total - gross,
            missing=[MISSING_LABELS.get(code, code) for code in statement.missing or []],
            adjustments=PayAdjustment.objects.visible_to(user)
            .filter(run=run, person=statement.person_id)
            .select_related("corrected_run")
            .order_by("corrected_run__period_start", "pk"),
            can_see_run=permissions.may_run_pay(user),
            is_final=run.status == PayRunStatus.CLOSED,
        )
        return context


class MyPayView(LoginRequiredMixin, ListView):
    """A person's own statements across runs, newest month first (every role)."""

    template_name = "pay/my_pay.html"
    context_object_name = "statements"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            PayStatement.objects.visible_to(self.request.user)
            .filter(person=self.request.user)
            .select_related("run")
            .order_by("-run__period_start", "-pk")
        )


class PayPolicyListView(PayRunnerMixin, ServiceFormView):
    """The pay policy versions and the form for a new one (pre-filled with the latest)."""

    form_class = PayPolicyForm
    template_name = "pay/policy_list.html"

    def get_initial(self):
        latest = PayPolicy.objects.order_by("-effective_from").first()
        if latest is None:
            return {}
        return {
            name: getattr(latest, name)
            for name in (
                "base_share",
                "performance_share",
                "capability_share",
                "score_cap",
                "satisfaction_threshold",
                "satisfaction_bonus_rate",
            )
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policies"] = (
            PayPolicy.objects.visible_to(self.request.user)
            .select_related("created_by")
            .order_by("-effective_from")
        )
        return context

    def perform_service(self, form):
        return services.pay_policy_create(actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        return _("Pay policy version %(version)s saved: it applies from %(month)s.") % {
            "version": result.version,
            "month": f"{result.effective_from:%Y-%m}",
        }

    def get_success_url(self, result=None):
        return reverse("pay:policy-list")
