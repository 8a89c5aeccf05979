"""PDPA export/erasure for the ideas app (called by `portal.pdpa`)."""

from portal.pdpa import iso

from .models import Comment, CommentFlag, Idea, Notification, Vote


def export(user) -> dict:
    return {
        "ideas": [
            {
                "id": idea.pk,
                "campaign": idea.campaign_id,
                "title": idea.title,
                "body": idea.body,
                "status": idea.status,
                "created_at": iso(idea.created_at),
                "official_response": idea.response_text or None,
            }
            for idea in Idea.objects.filter(author=user).order_by("created_at")
        ],
        "votes": [
            {"idea": vote.idea_id, "created_at": iso(vote.created_at)}
            for vote in Vote.objects.filter(user=user).order_by("created_at")
        ],
        "comments": [
            {
                "id": comment.pk,
                "idea": comment.idea_id,
                "body": comment.body,
                "created_at": iso(comment.created_at),
                "removed": comment.is_removed,
            }
            for comment in Comment.objects.filter(author=user).order_by("created_at")
        ],
        "comment_flags": [
            {"comment": flag.comment_id, "reason": flag.reason, "created_at": iso(flag.created_at)}
            for flag in CommentFlag.objects.filter(user=user)
        ],
        "notifications": [
            {
                "text": n.text,
                "url": n.url,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase(user) -> None:
    """Ideas, votes and comments stay (their author shows as erased); private items go."""
    Notification.objects.filter(user=user).delete()
    CommentFlag.objects.filter(user=user).update(reason="")
