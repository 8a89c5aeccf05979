"""Background work for ideas (django-tasks; immediate in the demo and tests)."""

from django_tasks import task


@task()
def idea_analyse(idea_id: int) -> None:
    """Tokenise, tag and index an idea's text with `nlp`, refresh its similarity signature and
    store the ideas of its campaign that say the same (for the moderation queue); the queue's
    ideas that listed this one are looked up again, as its text may have changed."""
    from nlp import services as nlp_services

    from .models import Idea, idea_analysis_text
    from .services import (
        idea_analysis_store,
        idea_duplicates_find,
        idea_duplicates_refresh_referrers,
    )

    idea = Idea.objects.select_related("agency").filter(pk=idea_id).first()
    if idea is None:
        return
    text = idea_analysis_text(idea.title, idea.body)
    analysis = nlp_services.text_analyse(text=text, agency=idea.agency)
    idea_analysis_store(idea_id=idea.pk, analysis=analysis)
    nlp_services.signature_update(
        kind="idea", object_id=idea.pk, scope_id=idea.campaign_id, text=text
    )
    idea_duplicates_find(idea=idea)
    idea_duplicates_refresh_referrers(idea=idea)
