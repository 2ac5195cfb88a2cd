"""A customer's lead grade is the grade in force of its lead (blank without a lead), written
only by the services: no longer editable, and existing rows are brought in line."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_grade_from_lead(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Lead = apps.get_model("leads", "Lead")
    Customer.objects.filter(lead__isnull=True).exclude(lead_grade="").update(lead_grade="")
    Customer.objects.filter(lead__isnull=False).update(
        lead_grade=Subquery(Lead.objects.filter(pk=OuterRef("lead_id")).values("grade")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_initial"),
        ("leads", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name="lead_grade",
            field=models.CharField(
                blank=True,
                choices=[
                    ("A", "A – high intent"),
                    ("B", "B – potential"),
                    ("C", "C – to be nurtured"),
                ],
                editable=False,
                max_length=1,
                verbose_name="lead grade",
            ),
        ),
        migrations.RunPython(copy_grade_from_lead, migrations.RunPython.noop),
    ]
