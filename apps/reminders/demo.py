"""Demo data of this app, built after the people and the CRM data: the rules run once, so
the inboxes of the demo company have content."""


def build(rng, context: dict) -> list[str]:
    from apps.reminders import services

    runs = services.rules_run_all()
    created = sum(run.created for run in runs)
    return [f"Reminders: {created} created by {len(runs)} rules."]
