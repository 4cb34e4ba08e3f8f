"""The import report of a scoring table converted from .xlsx (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('filing', '0003_stored_tables'),
    ]

    operations = [
        migrations.AddField(
            model_name='storedtable',
            name='import_report',
            field=models.JSONField(blank=True, default=dict, verbose_name='导入情况'),
        ),
    ]
