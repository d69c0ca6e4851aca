"""Engine errors. Each carries a message in Chinese that an administrator can act on."""

from __future__ import annotations


class EngineError(Exception):
    """Base class; `str()` gives the message, in Chinese."""


class DefinitionError(EngineError):
    """A BPMN/DMN source that cannot be deployed: names file, element and reason.

    Deploying reports every problem of a definition at once: `problems` lists them all (each a
    DefinitionError with its own file and element); `filename`, `element_id` and `reason` are the first's.
    """

    def __init__(self, filename: str, element_id: str | None, reason: str) -> None:
        self.filename = filename
        self.element_id = element_id
        self.reason = reason
        self.problems: list[DefinitionError] = [self]
        super().__init__(f"流程定义无效：{self.location}：{reason}")

    @property
    def location(self) -> str:
        return f"{self.filename}" + (f" 元素“{self.element_id}”" if self.element_id else "")

    @classmethod
    def of(cls, problems: list[DefinitionError]) -> DefinitionError:
        """One error for all `problems` (at least one): the first's attributes, every problem in the message."""
        if len(problems) == 1:
            return problems[0]
        first = problems[0]
        error = cls(first.filename, first.element_id, first.reason)
        error.problems = list(problems)
        listed = "\n".join(f"{n}. {p.location}：{p.reason}" for n, p in enumerate(problems, 1))
        error.args = (f"流程定义有 {len(problems)} 处问题：\n{listed}",)
        return error


class Refusal(EngineError):
    """The engine would not act on a request (task not ready, actor not allowed, an event nobody waits for):
    nothing happened, so the instance is not in error; the caller answers the request with the reason."""


class TaskNotReady(Refusal):
    def __init__(self, task_id: str, state: str) -> None:
        self.task_id = task_id
        self.state = state
        super().__init__(f"任务 {task_id} 当前不可办理（状态：{state}）")


class NotAllowed(Refusal):
    def __init__(self, actor_id: int, task_name: str) -> None:
        self.actor_id = actor_id
        super().__init__(f"您无权办理任务“{task_name}”（工作人员编号 {actor_id}）")


class UnsafeScript(EngineError):
    """A script or expression uses a construct the sandbox forbids."""


class ExecutionError(EngineError):
    """The engine failed inside a definition (script, DMN, gateway): names the element.

    `printed` holds what the definition printed before it failed (engine.script_log), often the very clue the
    administrator needs; the errored instance's history keeps it.
    """

    def __init__(self, element_id: str | None, message: str) -> None:
        self.element_id = element_id
        self.message = message
        self.printed: tuple = ()
        super().__init__(f"流程在环节“{element_id}”执行出错：{message}")


class BudgetExceeded(EngineError):
    """A script or expression went past its CPU-time or memory budget (engine.budget); the message says which."""
