"""A covering index for the KPI sources of a chunk of reps (an index only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0003_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ordercredit",
            index=models.Index(
                fields=["rep"], include=("order", "percent"), name="sales_credit_rep_cover"
            ),
        ),
    ]
