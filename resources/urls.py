from django.urls import path

from . import views

app_name = "resources"
urlpatterns = []
for _kind, _prefix in (
    (views.BASES, "bases"),
    (views.COVERAGE, "coverage"),
    (views.PARTNERS, "partners"),
    (views.DONATIONS, "donations"),
):
    urlpatterns += [
        path(f"{_prefix}/", views.RecordListView.as_view(kind=_kind), name=f"{_kind.slug}_list"),
        path(f"{_prefix}/new/", views.RecordCreateView.as_view(kind=_kind), name=f"{_kind.slug}_create"),
        path(f"{_prefix}/<int:pk>/edit/", views.RecordUpdateView.as_view(kind=_kind), name=f"{_kind.slug}_update"),
        path(f"{_prefix}/<int:pk>/delete/", views.RecordDeleteView.as_view(kind=_kind), name=f"{_kind.slug}_delete"),
    ]
