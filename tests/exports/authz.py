"""Authorization registry for the exports app, read by tests/core/test_authorization.py.

No export route takes a record id: the download routes are one per dataset
(``/api/v1/exports/grades/``, ``/exports/download/?dataset=grades``) and the log is a list, so
there is nothing to register. Reps and managers get 403 on every export route
(tests/exports/test_views.py, test_api.py); the walk checks that no role gets a 5xx.
"""

OUT_OF_SCOPE: dict = {}
ROUTE_MODELS: dict = {}
