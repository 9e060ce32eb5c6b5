"""ProConnect, the State's single sign-on for public agents (OpenID Connect), as the agents'
main sign-in: the client (client.py), the matching of an identity to an invited account
(services.py), the pages (views.py). ADR 0016 explains the choices."""
