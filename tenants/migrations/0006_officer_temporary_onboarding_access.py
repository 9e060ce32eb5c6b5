from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_membership_work_phone_and_branding_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="onboarding_access",
            field=models.BooleanField(
                default=False, verbose_name="accès temporaire de mise en service"
            ),
        ),
        migrations.AlterField(
            model_name="jurisdictionevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Création"),
                    ("status_changed", "Changement de statut"),
                    ("sms_texts_reviewed", "Textes des SMS relus"),
                    ("branding_changed", "Identité visuelle modifiée"),
                    ("onboarding_access_granted", "Accès temporaire de mise en service ouvert"),
                    ("onboarding_access_ended", "Accès temporaire de mise en service fermé"),
                ],
                max_length=32,
            ),
        ),
    ]
