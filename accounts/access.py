"""The one access mechanism of the portal.

Every view declares ``access``:

* ``Access.READ``: any signed-in user; objects still come through ``visible_to``.
* ``Access.WRITE``: staff and secretaries; leadership gets 403.
* ``Access.STAFF``: committee staff only; everyone else gets 403.
* ``Access.PUBLIC``: no sign-in (login page, health check).

Objects outside a user's subtree are never found (404, so their existence does not
leak); that part is the queryset's job: ``Model.objects.visible_to(user)``. A view on
one object looks it up through that queryset *before* the role check, so a secretary
gets 404 for another subtree's object on every URL, and 403 only for their own.
"""

from enum import Enum

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import get_object_or_404


class Access(Enum):
    PUBLIC = "public"
    READ = "read"
    WRITE = "write"
    STAFF = "staff"


def check_access(user, access: Access) -> None:
    """Raise PermissionDenied unless ``user`` may use a view of this access level."""
    if access is Access.PUBLIC:
        return
    if not user.is_authenticated:  # LoginRequiredMiddleware redirects before this
        raise PermissionDenied
    if access is Access.READ:
        if not (user.is_committee_staff or user.is_leader or user.is_secretary):
            raise PermissionDenied
    elif access is Access.WRITE:
        if not user.can_write:
            raise PermissionDenied
    elif access is Access.STAFF:
        if not user.is_committee_staff:
            raise PermissionDenied
    else:  # pragma: no cover - guards against a new level without a rule
        raise ImproperlyConfigured(f"Unknown access level {access!r}")


class AccessMixin:
    """Checks ``self.access`` before dispatching. Views must set it explicitly."""

    access: Access | None = None

    def dispatch(self, request, *args, **kwargs):
        if not isinstance(self.access, Access):
            raise ImproperlyConfigured(f"{type(self).__name__} must declare access = Access.<level>")
        if isinstance(self, ScopedObjectMixin) and self.pk_url_kwarg in kwargs and request.user.is_authenticated:
            self.get_object()  # 404 outside the user's scope, before any 403
        check_access(request.user, self.access)
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin:
    """Views whose queryset is limited to the user's scope; the object is looked up once."""

    model = None
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        if queryset is None and getattr(self, "_scoped_object", None) is not None:
            return self._scoped_object
        obj = get_object_or_404(
            queryset if queryset is not None else self.get_queryset(), pk=self.kwargs[self.pk_url_kwarg]
        )
        if queryset is None:
            self._scoped_object = obj
        return obj
