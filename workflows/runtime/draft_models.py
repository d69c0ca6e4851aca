"""Drafts of process definitions edited in the modeler page, before they are published as a version.

A deployed version is immutable, so work in progress lives here: one draft per process key, replaced by each
save. Saves are checked against the checksum the editor loaded (optimistic locking): two officials editing the
same key never overwrite each other silently.
"""

from django.db import models

from workflows.org.models import Official
from workflows.runtime.json import Utf8JSONEncoder
from workflows.runtime.models import ProcessDefinition


class DefinitionDraft(models.Model):
    key = models.CharField(max_length=100, unique=True)
    sources = models.JSONField(encoder=Utf8JSONEncoder, help_text="{filename: BPMN/DMN text}")
    based_on = models.ForeignKey(ProcessDefinition, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="drafts", help_text="the version the editing started from")
    saved_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT)
    saved_at = models.DateTimeField()
    checksum = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "流程定义草稿"

    def __str__(self) -> str:
        return f"{self.key}（草稿）"
