from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0001_creation_imports_test_sms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="state",
            field=models.CharField(
                choices=[
                    ("uploaded", "Fichier reçu"),
                    ("analysing", "Vérification en cours"),
                    ("analysed", "Aperçu prêt"),
                    ("refused", "Fichier refusé"),
                    ("applying", "Import en cours"),
                    ("applied", "Importé"),
                    ("failed", "Échec"),
                    ("cancelled", "Abandonné"),
                ],
                default="uploaded",
                max_length=12,
            ),
        ),
    ]
