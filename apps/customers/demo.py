"""Demo data of this app, built after the people (see apps/accounts/demo.py)."""


def build(rng, context: dict) -> list[str]:
    return []
