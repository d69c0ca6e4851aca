"""The discipline processes' files in bpmn/: deployed together, since cases start from complaints."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from workflows.org.models import Official
from workflows.runtime.models import ProcessDefinition
from workflows.runtime.services.definitions import deploy_from_files

PROCESS_FILES = {
    "complaint": ["complaint.bpmn", "duty_rule_measures.dmn"],
    "sanction": ["sanction.bpmn"],
}


def deploy_discipline_processes(
    bpmn_dir: Path | None = None, deployed_by: Official | None = None
) -> list[ProcessDefinition]:
    """Deploy `complaint` and `sanction`; unchanged files keep their deployed version."""
    bpmn_dir = Path(bpmn_dir or settings.GOVFLOW_BPMN_DIR)
    return [deploy_from_files(key, [bpmn_dir / name for name in names], deployed_by)
            for key, names in PROCESS_FILES.items()]
