from django.contrib import admin


class PortalAdminSite(admin.AdminSite):
    site_header = "区团委工作平台 · 后台管理"
    site_title = "后台管理"
    index_title = "后台管理"

    def has_permission(self, request):
        # The admin is unscoped: a secretary or leader flagged is_staff by mistake would see
        # the whole district, so the admin also requires the committee staff role.
        user = request.user
        return user.is_active and user.is_staff and user.is_committee_staff
