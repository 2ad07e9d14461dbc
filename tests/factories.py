import itertools
from datetime import date, timedelta

import factory

from accounts.models import Role, User
from branches.models import Kind, Organisation
from members import idcard
from members.choices import Category, Gender
from members.models import Member

PASSWORD = "test-pass-2024"


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Builds tree nodes through treebeard; pass ``parent=`` for a child."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试组织{n}")
    kind = Kind.BRANCH

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        node = model_class(**kwargs)
        if parent is None:
            return model_class.objects.add_root(instance=node)
        # Re-read the parent: an instance fetched before earlier add_child calls is stale.
        return model_class.objects.add_child(model_class.objects.get(pk=parent.pk), instance=node)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.SECRETARY
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- members ---------------------------------------------------------------------

_id_counter = itertools.count(1)


def make_id_number(birth: date, n: int | None = None, *, gender: str = "M", area: str = "450202") -> str:
    """A valid ID number for ``birth``; ``n`` varies the sequence (odd for men, even for women)."""
    n = next(_id_counter) if n is None else n
    return idcard.make(area, birth, 2 * (n % 500) + (1 if gender == "M" else 0))


class MemberFactory(factory.django.DjangoModelFactory):
    """A member with a valid, unique ID number consistent with birth date and gender."""

    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"成员{n}")
    gender = Gender.MALE
    birth_date = factory.Sequence(lambda n: date(2000, 1, 1) + timedelta(days=n % 3000))
    category = Category.LEAGUE_MEMBER

    @classmethod
    def _create(cls, model_class, *args, id_number=None, **kwargs):
        member = model_class(**kwargs)
        member.set_id_number(id_number or make_id_number(member.birth_date, gender=member.gender))
        member.save()
        return member
