"""Answers that must not depend on the session, the user or the database being there."""

from .health import HEALTH_PATH


class HealthCheckMiddleware:
    """Answers GET /healthz before any other middleware runs.

    The session, login and CSRF middleware all come later: a probe (or a signed-in browser)
    carrying a session cookie would otherwise make them load the session from the cache and
    the user from the database, and with either down the answer was an HTML 500 instead of
    the health report's JSON 503 that says which one is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            from .views import healthz

            return healthz(request)
        return self.get_response(request)
