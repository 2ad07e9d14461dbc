from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("org/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("reports/", include("reports.urls")),
    path("obligations/", include("obligations.urls")),
    path("submissions/", include("submissions.urls")),
    path("security/", include("security.urls")),
    path("admin/", admin.site.urls),
    path("honours/", include("honours.urls")),
    path("resources/", include("resources.urls")),
]

# A database or cache outage is a 503 "系统维护中" page; anything else the 500 page. Both are
# rendered without a request context, so neither needs the database (core.views.server_error).
handler500 = "core.views.server_error"
# A URL parameter out of range (core.params) answers 400 with a page saying so.
handler400 = "core.views.bad_request"
