from django.db import migrations


def add_default_tags(apps, schema_editor):
    from nlp.taxonomy import DEFAULT_TAGS

    Tag = apps.get_model("nlp", "Tag")
    for slug, label, label_en in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            slug=slug, agency=None, defaults={"label": label, "label_en": label_en}
        )


class Migration(migrations.Migration):
    dependencies = [("nlp", "0002_initial")]

    operations = [migrations.RunPython(add_default_tags, migrations.RunPython.noop)]
