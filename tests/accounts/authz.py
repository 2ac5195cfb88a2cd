"""Authorization registry for people and teams (see tests/core/test_authorization.py)."""

from apps.accounts.models import Team, User

OUT_OF_SCOPE = {
    User: lambda cast: cast.rep_b,
    Team: lambda cast: cast.team_b,
}

ROUTE_MODELS = {
    "accounts:user-update": User,
    "accounts:team-update": Team,
}
