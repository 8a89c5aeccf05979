"""Who may do what with surveys (checked with `user.has_perm("surveys.<rule>", survey)`)."""

import rules

from portal.permissions import is_agency_manager, is_agency_moderator

# Moderators and managers of the survey's agency (agency admins and superusers pass too).
is_survey_staff = is_agency_moderator | is_agency_manager

rules.add_perm("surveys.view_results", is_survey_staff)
rules.add_perm("surveys.export_results", is_survey_staff)
rules.add_perm("surveys.promote_answer", is_survey_staff)
rules.add_perm("surveys.print_poster", is_survey_staff)
