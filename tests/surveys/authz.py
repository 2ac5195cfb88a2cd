"""Authorization registry for this app, read by tests/core/test_authorization.py.

A survey belongs to the rep it is about: rep_b's survey is a 404 for rep_a and manager_a; HR and
admin read it. The customer's answer page (``surveys:answer``) is public (the token is the key)
and listed in PUBLIC_ROUTES there.
"""

from apps.surveys.models import Survey
from tests.factories import SurveyFactory

OUT_OF_SCOPE: dict = {
    Survey: lambda cast: SurveyFactory(rep=cast.rep_b),
}

ROUTE_MODELS: dict = {
    "surveys:survey-issue-link": Survey,
    "surveys:survey-record": Survey,
    "surveys:survey-cancel": Survey,
}
