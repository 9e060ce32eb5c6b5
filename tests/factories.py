import factory
from django.contrib.auth import get_user_model

from tenants.constants import Role
from tenants.models import Membership

PASSWORD = "Mot-de-passe-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@exemple.test")
    first_name = "Camille"
    last_name = "Agent"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        national_team = factory.Trait(national_role="national_team", is_staff=True)
        deployment_officer = factory.Trait(national_role="deployment_officer")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CPIP
