"""PDPA export/erasure for the ideas app (called by `portal.pdpa`)."""

from .models import Comment, CommentFlag, Idea, Notification, Vote


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "ideas": [
            {
                "id": idea.pk,
                "campaign": idea.campaign_id,
                "title": idea.title,
                "body": idea.body,
                "status": idea.status,
                "created_at": _iso(idea.created_at),
                "official_response": idea.response_text or None,
            }
            for idea in Idea.objects.filter(author=user).order_by("created_at")
        ],
        "votes": [
            {"idea": vote.idea_id, "created_at": _iso(vote.created_at)}
            for vote in Vote.objects.filter(user=user).order_by("created_at")
        ],
        "comments": [
            {
                "id": comment.pk,
                "idea": comment.idea_id,
                "body": comment.body,
                "created_at": _iso(comment.created_at),
                "removed": comment.is_removed,
            }
            for comment in Comment.objects.filter(author=user).order_by("created_at")
        ],
        "comment_flags": [
            {"comment": flag.comment_id, "reason": flag.reason, "created_at": _iso(flag.created_at)}
            for flag in CommentFlag.objects.filter(user=user)
        ],
        "notifications": [
            {
                "text": n.text,
                "url": n.url,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase(user) -> None:
    """Ideas, votes and comments stay (their author shows as erased); private items go."""
    Notification.objects.filter(user=user).delete()
    CommentFlag.objects.filter(user=user).update(reason="")
