from django.db import migrations


def add_default_keywords(apps, schema_editor):
    from nlp.taxonomy import DEFAULT_KEYWORDS

    Tag = apps.get_model("nlp", "Tag")
    for tag in Tag.objects.filter(agency__isnull=True, slug__in=list(DEFAULT_KEYWORDS)):
        if not tag.keywords:
            tag.keywords = DEFAULT_KEYWORDS[tag.slug]
            tag.save(update_fields=["keywords"])


class Migration(migrations.Migration):
    dependencies = [("nlp", "0004_tag_examples_textsignature_customword")]

    operations = [migrations.RunPython(add_default_keywords, migrations.RunPython.noop)]
