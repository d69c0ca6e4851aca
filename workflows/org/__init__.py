"""Org chart: departments, windows, officials, roles, A/B posts, absences, calendar overrides."""
