from allauth.account.adapter import DefaultAccountAdapter


class AgentAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the service (invitation, import), never by open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False
