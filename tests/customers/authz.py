"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.
"""

OUT_OF_SCOPE: dict = {}
