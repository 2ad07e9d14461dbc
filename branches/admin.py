from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin, TreeAdmin):
    form = movenodeform_factory(Organisation)
    list_display = ("name", "kind", "directly_managed", "active")
    list_filter = ("kind", "directly_managed", "active")
    search_fields = ("name", "short_name")
