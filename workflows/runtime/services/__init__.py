"""Writes to the runtime: deploy definitions, start instances, claim/complete tasks, fire timers."""
