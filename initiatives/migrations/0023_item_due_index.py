from django.db import migrations, models


class Migration(migrations.Migration):
    """The overview lists the most overdue items of a plan first: by plan and due date, the
    first rows of the index are the answer (views.behind_rows())."""

    dependencies = [
        ("initiatives", "0022_report_status_index_by_pk"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="planitem",
            index=models.Index(fields=["plan", "due_date", "code"], name="initiatives_item_due"),
        ),
    ]
