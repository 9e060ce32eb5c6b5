"""allauth's MFA forms with French labels where allauth's translation has none."""

from allauth.mfa.webauthn.forms import AddWebAuthnForm, EditWebAuthnForm


class NamedKeyMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Nom de la clé"
        self.fields["name"].help_text = "Pour la reconnaître, par exemple « Clé du bureau »."


class AddSecurityKeyForm(NamedKeyMixin, AddWebAuthnForm):
    pass


class EditSecurityKeyForm(NamedKeyMixin, EditWebAuthnForm):
    pass
