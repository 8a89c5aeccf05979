"""Named permission rules for workshops (checked with `user.has_perm(...)` everywhere)."""

import rules

from portal.permissions import is_agency_facilitator, is_agency_manager

# Run a workshop: console, open/close, phases, timer, lock, promote, export.
can_facilitate = is_agency_facilitator | is_agency_manager

rules.add_perm("workshops.facilitate", can_facilitate)
rules.add_perm("workshops.create", can_facilitate)  # object: the Agency
rules.add_perm("workshops.export", can_facilitate)
