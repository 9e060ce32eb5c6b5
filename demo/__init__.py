"""The demo of `make run`: invented jurisdictions, agents, people, appointments, SMS, portal
threads, information-site services and a year of statistics history.

Development only: no production package imports it, the container image leaves it out, and only
the dev and test settings install it (for `manage.py seed_demo`). It sits above every layer and
may use any of them (docs/architecture.md).
"""
