"""PDPA export/erasure for surveys (called by `portal.pdpa`).

Anonymous responses hold no personal data. A logged-in person's responses are exported with
their answers; on erasure they are detached from the account (kept as anonymous responses so
satisfaction results and evidence stay true).
"""

from django.db.models import Prefetch

from .models import Answer, SurveyResponse


def export(user) -> dict:
    responses = (
        SurveyResponse.objects.filter(user=user)
        .select_related("survey")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("pk"))
        )
        .order_by("submitted_at")
    )
    return {
        "survey_responses": [
            {
                "id": response.pk,
                "survey": response.survey_id,
                "survey_title": response.survey.title,
                "submitted_at": response.submitted_at.isoformat(),
                "answers": [
                    {
                        "question": answer.question.text,
                        "number": answer.number,
                        "choice": answer.choice,
                        "text": answer.text,
                        "value": answer.number
                        if answer.number is not None
                        else (answer.choice or answer.text),
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ]
    }


def erase(user) -> None:
    SurveyResponse.objects.filter(user=user).update(user=None)
