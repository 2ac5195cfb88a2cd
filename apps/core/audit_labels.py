"""What an audit entry's ``action`` code (``customer.create``) means, in words people read.

Pages show :func:`action_label` (``AuditEntry.action_label``), never the code; the code stays
what the database, the admin and the API store. Every code a service writes has a label here
(tests/core/test_audit_labels.py reads the services and fails on a code without one); an app
may add its own with :func:`register`.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str] = {
    # accounts
    "user.create": _("Account created"),
    "user.update": _("Account changed"),
    "user.token_revoke": _("API tokens revoked"),
    "user.sign_in_unlock": _("Sign-in unlocked"),
    "team.create": _("Team created"),
    "team.update": _("Team changed"),
    # customers
    "customer.create": _("Customer created"),
    "customer.reassign": _("Customer handed to another rep"),
    "customer.mark_lost": _("Customer marked as lost"),
    "customer.reactivate": _("Customer won back"),
    "industry.create": _("Industry added"),
    "feedback.status": _("Feedback status changed"),
    # leads
    "lead.update": _("Lead changed"),
    "lead.rubric_update": _("Lead grading rules changed"),
    "lead.duplicate_confirmed": _("Lead confirmed as not a duplicate"),
    "lead.grade_override": _("Lead grade set by hand"),
    "lead.convert": _("Lead turned into a customer"),
    # opportunities
    "opportunity.update": _("Opportunity changed"),
    "opportunity.credits": _("Credit split changed"),
    "proposal.submit": _("Proposal sent for review"),
    "proposal.approve": _("Proposal approved"),
    "proposal.reject": _("Proposal rejected"),
    "pipeline_settings.update": _("Pipeline settings changed"),
    # sales
    "order.create": _("Order created"),
    "order.update": _("Order changed"),
    "order.credits": _("Credit split changed"),
    "receivable.create": _("Receivable created"),
    "payment.record": _("Payment recorded"),
    "payment.reverse": _("Payment reversed"),
    # performance
    "target.create": _("Target set"),
    "target.update": _("Target changed"),
    "weight_scheme.create": _("Weight scheme version created"),
    "period_setting.set": _("Growth target settings changed"),
    # reminders
    "reminders.rule_update": _("Reminder rule changed"),
    "reminders.calendar_exception_create": _("Holiday or working day added"),
    "reminders.calendar_exception_delete": _("Holiday or working day removed"),
}


def register(labels: dict[str, str]) -> None:
    """Add (or replace) labels of action codes, e.g. from an app's ``AppConfig.ready``."""
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    """The words for ``code``; a code without a label reads as its words ("order.close" →
    "Order close") rather than as a code."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    words = code.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
