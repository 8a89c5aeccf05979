"""Reads for nlp's stored data."""

from . import similarity
from .models import TextSignature


def signatures_current(*, kind: str, object_ids) -> set[int]:
    """Which of `object_ids` have a signature computed with the current rules
    (`similarity.SIGNATURE_VERSION`)."""
    return set(
        TextSignature.objects.filter(
            kind=kind, object_id__in=list(object_ids), version__gte=similarity.SIGNATURE_VERSION
        ).values_list("object_id", flat=True)
    )
