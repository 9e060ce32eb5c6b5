from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions live in the public schema, which every jurisdiction's search path includes."""

    dependencies = [("tenants", "0001_initial")]

    operations = [TrigramExtension()]
