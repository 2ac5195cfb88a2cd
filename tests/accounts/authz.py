"""Authorization registry for people and teams (see tests/core/test_authorization.py)."""

from apps.accounts.models import ApiToken, Team, User
from apps.accounts.services import token_issue

OUT_OF_SCOPE = {
    User: lambda cast: cast.rep_b,
    Team: lambda cast: cast.team_b,
    ApiToken: lambda cast: token_issue(user=cast.rep_b)[0],
}

ROUTE_MODELS = {
    "accounts:user-update": User,
    "accounts:user-unlock": User,
    "accounts:team-update": Team,
}
