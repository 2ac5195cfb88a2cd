"""Demo data of this app, built after the people and the CRM data."""


def build(rng, context: dict) -> list[str]:
    return []
