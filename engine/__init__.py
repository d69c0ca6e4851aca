"""Pure-Python workflow engine over SpiffWorkflow: specs, runs, assignment, calendar.

Nothing in this package imports Django or Celery; the Django apps call into it.
"""
