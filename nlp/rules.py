"""Who may edit the tagging taxonomy and the tokeniser dictionary (django-rules).

Objects: a ``Tag`` or ``CustomWord``. An agency's managers and agency admins edit its own
entries; the portal-wide defaults (``agency`` empty) belong to superusers only, because nobody
holds a role in "no agency" (``has_agency_role`` lets superusers through everywhere).
"""

import rules

from portal.permissions import is_agency_manager

rules.add_perm("nlp.edit_taxonomy", is_agency_manager)
