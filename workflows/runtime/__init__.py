"""Runtime: process definitions, instances, the human-task index, timers and the audit log."""
