"""Named permissions for plans (django-rules). Objects are ImprovementPlan, PlanItem or Agency."""

import rules

from portal.permissions import is_agency_manager

# Managers (and agency admins, and superusers) run their agency's plans and evidence.
rules.add_perm("plans.manage_plan", is_agency_manager)
rules.add_perm("plans.view_evidence", is_agency_manager)
rules.add_perm("plans.link_to_plan", is_agency_manager)
