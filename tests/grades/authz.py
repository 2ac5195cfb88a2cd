"""Authorization registry for the grades app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE: a finalised grade of ``cast.rep_b`` (team Bravo): rep_a and manager_a get 404 on
it (a rep sees only their own finalised grade, a manager their teams'); HR and admin read it.
"""

from apps.grades.models import AnnualGrade
from tests.factories.grades import AnnualGradeFactory

OUT_OF_SCOPE: dict = {
    AnnualGrade: lambda cast: AnnualGradeFactory(person=cast.rep_b, finalised=True),
}

ROUTE_MODELS: dict = {}
