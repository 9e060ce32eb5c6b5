"""Transfer screens of a jurisdiction host (issue 19, point 5), under ``/transferts/``."""

app_name = "transfers"

urlpatterns: list = []
