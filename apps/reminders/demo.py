"""Demo data of this app, built after the people and the CRM data: every rule runs once for
the demo company so the inboxes have content. The e-mails are left to the first scheduled run
(the console backend prints them in development)."""


def build(rng, context: dict) -> list[str]:
    from apps.reminders import services

    context["reminder_runs"] = services.rules_run_all(send_emails=False)
    return []
