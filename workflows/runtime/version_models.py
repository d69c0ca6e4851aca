"""Which version of a process key new instances start on.

Definition rows are immutable; the active version is a separate row per key, changed by deploying (the new
version becomes active) or by rolling back (an older version made active again). Running instances keep the
version they started on (ProcessInstance.definition).
"""

from django.db import models

from workflows.org.models import Official
from workflows.runtime.models import ProcessDefinition


class ActiveVersion(models.Model):
    key = models.CharField(max_length=100, unique=True)
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="+")
    activated_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "当前流程版本"

    def __str__(self) -> str:
        return f"{self.key} → {self.definition}"
