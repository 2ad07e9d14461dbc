from datetime import date

import pytest

from branches.models import Kind
from honours import tasks
from honours.models import Level
from members.choices import Category

from ..factories import MemberFactory, OrganisationFactory, make_id_number
from .factories import BatchFactory


@pytest.fixture
def setting(district):
    """A city-level list of sub_a (secretary_a's), a brigade below it, a member on each side."""
    brigade = OrganisationFactory(name="甲街道中心小学少先队大队", short_name="中心小学大队", kind=Kind.BRIGADE,
                                  parent=district.sub_a)  # fmt: skip
    id_a = make_id_number(date(2004, 3, 18), gender="F")
    member_a = MemberFactory(name="韦小红", gender="F", birth_date=date(2004, 3, 18), id_number=id_a,
                             organisation=district.branch_a, category=Category.LEAGUE_MEMBER)  # fmt: skip
    id_b = make_id_number(date(2003, 7, 1))
    member_b = MemberFactory(name="覃明", birth_date=date(2003, 7, 1), id_number=id_b,
                             organisation=district.branch_b, category=Category.LEAGUE_MEMBER)  # fmt: skip
    batch = BatchFactory(name="柳州市两红两优", organisation=district.sub_a, level=Level.CITY)
    return {"brigade": brigade, "id_a": id_a, "member_a": member_a, "id_b": id_b, "member_b": member_b, "batch": batch}


@pytest.fixture
def queued(monkeypatch):
    """The import task's sends, recorded instead of sent: the tests run the task themselves."""
    sent = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda import_id: sent.append(import_id))
    monkeypatch.setattr(tasks.run_import, "apply_async", lambda args, countdown=None: sent.append((args[0], countdown)))
    return sent


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
