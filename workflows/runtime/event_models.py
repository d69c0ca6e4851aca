"""The index of what running instances wait for from outside, and of which definitions a message starts.

Like the task rows, these are kept in step with the engine at every save, so delivering a message or a
signal finds its instance with one indexed query and never opens a workflow to look.
"""

from django.db import models

from workflows.runtime.models import ProcessDefinition, ProcessInstance


class WaitingEvent(models.Model):
    """One message or signal a running instance waits for, with the correlation it expects."""

    MESSAGE = "message"
    SIGNAL = "signal"
    KINDS = [(MESSAGE, "消息"), (SIGNAL, "信号")]

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="waiting_events")
    kind = models.CharField(max_length=10, choices=KINDS)
    name = models.CharField(max_length=200)
    correlation = models.TextField(help_text="canonical JSON {property: value as text}; {} when none")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance", "kind", "name", "correlation"], name="waiting_event_once"),
        ]
        indexes = [models.Index(fields=["kind", "name", "correlation"], name="waiting_event_lookup")]
        # Who may deliver from outside: administrators, and service accounts given this permission.
        permissions = [("deliver_events", "可从外部投递消息与信号")]
        verbose_name = verbose_name_plural = "等待中的消息与信号"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}“{self.name}”"


class MessageStart(models.Model):
    """A definition version whose start event catches this message (recorded at deploy)."""

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE, related_name="message_starts")
    name = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["definition", "name"], name="message_start_once")]
        verbose_name = verbose_name_plural = "消息启动事件"

    def __str__(self) -> str:
        return f"“{self.name}”启动 {self.definition}"
