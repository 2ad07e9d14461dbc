from django.utils.functional import SimpleLazyObject

from core.review.models import Status

from .selectors import records_in_status


def returned(request):
    """The badge on a secretary's menu: their records returned for correction (the home page's
    退回待修改 card, by the same selector). One query, and only when a page shows the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_secretary:
        return {}
    return {"returned_records": SimpleLazyObject(lambda: records_in_status(user=user, status=Status.RETURNED))}
