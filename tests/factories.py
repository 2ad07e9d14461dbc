import factory

from accounts.models import Role, User
from branches.models import Kind, Organisation

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
