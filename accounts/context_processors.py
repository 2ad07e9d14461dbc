def role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_committee_staff": user.is_committee_staff,
        "is_leader": user.is_leader,
        "is_secretary": user.is_secretary,
    }
