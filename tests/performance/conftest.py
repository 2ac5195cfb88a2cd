"""Helpers shared by the performance tests."""


def alpha_rows(cast, a="60000", a2="40000", **extra):
    """Team Alpha's two target rows (rep_a, rep_a2) as the services, forms and API take them;
    ``extra`` goes into rep_a's row."""
    return [
        {"rep": cast.rep_a.pk, "sales_target": a, "new_customers_target": "3", **extra},
        {"rep": cast.rep_a2.pk, "sales_target": a2, "collection_rate_target": "95"},
    ]
