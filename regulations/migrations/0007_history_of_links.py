"""History of a provision's industries and a document's topics.

Versions recorded before this migration get the links the object has now: the links were not
recorded then, and the knowledge base had no way to change them outside a corpus load.
"""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def snapshot_current_links(apps, schema_editor):
    for model_name, field_name, target in (("Provision", "industries", "industry"), ("Document", "topics", "topic")):
        model = apps.get_model("regulations", model_name)
        historical = apps.get_model("regulations", f"Historical{model_name}")
        links = apps.get_model("regulations", f"Historical{model_name}_{field_name}")
        through = getattr(model, field_name).through
        owner = model_name.lower()
        current: dict[int, list[tuple[int, int]]] = {}
        for link_id, owner_id, target_id in through.objects.values_list("id", f"{owner}_id", f"{target}_id"):
            current.setdefault(owner_id, []).append((link_id, target_id))
        rows = [
            links(id=link_id, history_id=history_id, **{f"{owner}_id": object_id, f"{target}_id": target_id})
            for history_id, object_id in historical.objects.values_list("history_id", "id")
            for link_id, target_id in current.get(object_id, [])
        ]
        links.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('regulations', '0006_history_backfill_and_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalDocument_topics',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('document', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regulations.document')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='regulations.historicaldocument')),
                ('topic', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regulations.topic')),
            ],
            options={
                'verbose_name': 'HistoricalDocument_topics',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProvision_industries',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='regulations.historicalprovision')),
                ('industry', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regulations.industry')),
                ('provision', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regulations.provision')),
            ],
            options={
                'verbose_name': 'HistoricalProvision_industries',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(snapshot_current_links, migrations.RunPython.noop),
    ]
