import time

from django.conf import settings

from core.idnumbers import ID_NUMBER_RE, mask_id_numbers

TOUCHED_KEY = "_touched"

MASKED_CONTENT_TYPES = ("text/html", "text/plain", "application/json")


class MaskIdNumbersInErrorsMiddleware:
    """Error responses (4xx, 5xx) never carry a full ID number.

    An error page can echo what the user sent (a URL, a rejected value, an exception's
    text); masking the finished body covers every such path, whoever wrote the page.
    Pages that show a full ID on purpose are successful responses and audited instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming:
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(MASKED_CONTENT_TYPES):
            return response
        charset = response.charset or "utf-8"
        text = response.content.decode(charset, errors="replace")
        if ID_NUMBER_RE.search(text):
            response.content = mask_id_numbers(text).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


class SlidingSessionMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity, not after a fixed time.

    SESSION_SAVE_EVERY_REQUEST would write the session row (and commit) on every request; a
    signed-in page then costs an UPDATE even when it only reads. Here the session is saved, and
    its expiry and cookie pushed forward, only once SESSION_REFRESH_SECONDS have passed since
    the last save: the expiry is after inactivity to within that many seconds.
    Sits inside SessionMiddleware, which saves a modified session on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(TOUCHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[TOUCHED_KEY] = now  # marks it modified: saved with a new expiry
        return response


def stamp_session(sender, request, user, **kwargs):
    """A login saves the session anyway: it counts as the latest refresh (user_logged_in)."""
    if request is not None and hasattr(request, "session"):
        request.session[TOUCHED_KEY] = int(time.time())
