from core.idnumbers import ID_NUMBER_RE, mask_id_numbers

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
