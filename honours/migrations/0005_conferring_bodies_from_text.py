# One ConferringBody per distinct conferring_body text of honours and lists (trimmed), at the
# level most of its honours carry; every row, history included, then points at its body.
# Bodies named only in history are kept inactive, so old versions still read. Short forms are
# left for staff to fill in on the bodies page (the report writes the full name until then).

from collections import Counter, defaultdict

from django.db import migrations

UNNAMED = "（未注明授予单位）"
MODELS = ("Honour", "CommendationBatch", "HistoricalHonour", "HistoricalCommendationBatch")


def _text(value) -> str:
    return (value or "").strip()[:200] or UNNAMED


def forwards(apps, schema_editor):
    Body = apps.get_model("honours", "ConferringBody")
    levels: dict[str, Counter] = defaultdict(Counter)
    current: set[str] = set()
    for name in MODELS:
        model = apps.get_model("honours", name)
        rows = model.objects.values_list("conferring_body", "level").order_by()
        for text, level in rows.iterator(chunk_size=5000):
            levels[_text(text)][level] += 1
            if not name.startswith("Historical"):
                current.add(_text(text))
    bodies = {}
    for text, counter in levels.items():
        level = counter.most_common(1)[0][0]
        body, _created = Body.objects.get_or_create(name=text, defaults={"level": level, "active": text in current})
        bodies[text] = body.pk
    for name in MODELS:
        model = apps.get_model("honours", name)
        for text in model.objects.values_list("conferring_body", flat=True).distinct().order_by():
            model.objects.filter(conferring_body=text).update(conferring_body_ref_id=bodies[_text(text)])


def backwards(apps, schema_editor):
    Body = apps.get_model("honours", "ConferringBody")
    names = dict(Body.objects.values_list("pk", "name"))
    for name in MODELS:
        model = apps.get_model("honours", name)
        for pk in model.objects.values_list("conferring_body_ref_id", flat=True).distinct().order_by():
            if pk is not None:
                model.objects.filter(conferring_body_ref_id=pk).update(conferring_body=names[pk])


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0004_conferring_bodies_and_editions"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
