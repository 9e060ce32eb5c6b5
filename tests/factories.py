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


def bind_session(client, host: str) -> None:
    """Bind a session opened by ``force_login`` to ``host``, as a sign-in through the login page
    does (shared/accounts/session_guard.py): its first request then writes nothing more."""
    from shared.accounts import session_guard

    session = client.session
    session[session_guard.HOST_KEY] = host
    session[session_guard.ACTIVITY_KEY] = session_guard._now()
    session.save()
