from django.dispatch import Signal

# Sent inside create_jurisdiction's transaction once the schema is migrated; jurisdiction apps
# put their starting data in place (services, pseudo-places...). Argument: jurisdiction.
jurisdiction_schema_ready = Signal()
