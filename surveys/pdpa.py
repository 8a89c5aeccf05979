"""PDPA export/erasure for surveys (called by `portal.pdpa`)."""

from .models import SurveyResponse


def export(user) -> dict:
    responses = (
        SurveyResponse.objects.filter(user=user)
        .select_related("survey")
        .prefetch_related("answers__question")
        .order_by("submitted_at")
    )
    return {
        "survey_responses": [
            {
                "survey": response.survey_id,
                "survey_title": response.survey.title,
                "submitted_at": response.submitted_at.isoformat(),
                "answers": [
                    {
                        "question": answer.question.text,
                        "number": answer.number,
                        "choice": answer.choice,
                        "text": answer.text,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ]
    }


def erase(user) -> None:
    """Answers stay in the results: they carry no identity once the account is anonymised."""
