"""Named permissions for self-assessments (django-rules). Objects: SelfAssessment or Agency.

Members of the agency (moderator, facilitator, manager, admin) see and work on its assessment
and may mark it reviewed; only managers and agency admins create, submit, reopen it, export
it through the API, and turn an OFI into a plan item.
"""

import rules

from portal.permissions import is_agency_manager, is_agency_member

rules.add_perm("assessments.view_assessment", is_agency_member)
rules.add_perm("assessments.edit_assessment", is_agency_member)
rules.add_perm("assessments.review_assessment", is_agency_member)
rules.add_perm("assessments.create_assessment", is_agency_manager)
rules.add_perm("assessments.submit_assessment", is_agency_manager)
rules.add_perm("assessments.reopen_assessment", is_agency_manager)
rules.add_perm("assessments.export_assessment", is_agency_manager)
rules.add_perm("assessments.ofi_to_plan", is_agency_manager)
