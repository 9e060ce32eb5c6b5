"""Every edit of the public content drops the page cache once its transaction has committed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .cache import bump_version
from .models import InfoPage, Partner, Section, ServicePage


def _content_changed(sender, **kwargs):
    transaction.on_commit(bump_version)


for _model in (InfoPage, Section, ServicePage, Partner):
    post_save.connect(
        _content_changed, sender=_model, dispatch_uid=f"public_site_{_model.__name__}_saved"
    )
    post_delete.connect(
        _content_changed, sender=_model, dispatch_uid=f"public_site_{_model.__name__}_deleted"
    )
