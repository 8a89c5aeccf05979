"""Reads of plans data used by other apps."""


def plan_items_for_ideas(idea_ids) -> dict[int, list[dict]]:
    """{idea_id: [{"id", "title"}, ...]} of the plan items each idea is linked to.

    Plans have no models yet, so no idea is linked to anything.
    """
    return {}
