from ..filters import ActivityFilter
from ..models import Activity


def filtered_activities(request):
    """The activities the user reaches, narrowed by the filters in the query string.

    Invalid filter input (an organisation outside the user's scope, a malformed date)
    yields no records and the form's errors, never a silently wider list.
    """
    filterset = ActivityFilter(request.GET or None, user=request.user)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, Activity.objects.none()
    return filterset, filterset.qs


def query_without(request, *keys: str) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()
