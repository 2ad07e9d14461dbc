"""The Django admin is unscoped, so only committee staff may enter it at all."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def admin_urls(apps=None) -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        if apps is not None and opts.app_label not in apps:
            continue
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
    return sorted(set(urls))


@pytest.mark.parametrize("persona", ["leader", "secretary_a", "secretary_b"])
def test_leaders_and_secretaries_get_no_admin_page(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    urls = admin_urls()
    assert len(urls) > 10
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{persona} {method.upper()} {url}: {response.status_code}"
            assert response["Location"].startswith(reverse("admin:login")), url


def test_a_secretary_flagged_is_staff_by_mistake_is_still_kept_out(client, district):
    secretary = UserFactory(role=Role.SECRETARY, organisation=district.sub_a, is_staff=True, is_superuser=False)
    client.force_login(secretary)
    for url in admin_urls():
        assert client.get(url).status_code == 302, url


@pytest.fixture
def admin_staff_client(staff, staff_client):
    # Committee staff hold the model permissions of the portal's apps (as load_demo gives them).
    from django.contrib.auth.models import Permission

    from core.management.commands.load_demo import PORTAL_APPS

    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=PORTAL_APPS))
    return staff_client


def test_committee_staff_use_the_admin(admin_staff_client):
    from core.management.commands.load_demo import PORTAL_APPS

    staff_client = admin_staff_client
    for url in admin_urls(PORTAL_APPS):
        assert staff_client.get(url).status_code == 200, url


def test_admin_lists_axes_lockouts_for_staff(admin_staff_client):
    response = admin_staff_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
