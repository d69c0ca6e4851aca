"""What govflow refuses of diagrams nobody here wrote, next to what raw SpiffWorkflow refuses.

    .venv/bin/python bench/corpus.py DIR [DIR ...] [--details]

Every .bpmn file under the directories is tried process by process (with the .dmn files of its own
directory, which its business rule tasks may call, and the .bpmn files there when a call activity
needs a process of theirs), and every .dmn file on its own: once with
SpiffWorkflow 3.2's parser and schema validation as they come, once with govflow's deploy checks
(engine.specs.load_bundle with the org chart's roles and their labels). The table says, per process,
accepted by both / refused by govflow only (with its reasons) / refused by both; the summary counts
govflow's refusals of what SpiffWorkflow accepts by reason, so each can be checked against the
documented safety reasons. The diagrams are not part of the repository; point it at a checkout of
e.g. SpiffWorkflow's tests/SpiffWorkflow/bpmn/data or the BPMN MIWG test suite's Reference folder.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.assignment import DEFAULT_SCOPE  # noqa: E402
from engine.errors import DefinitionError  # noqa: E402
from engine.specs import Vocabulary, load_bundle  # noqa: E402
from workflows.org.roles import ROLE_LABELS  # noqa: E402  (plain data, no Django)

VOCABULARY = Vocabulary(roles=frozenset(DEFAULT_SCOPE), role_labels=ROLE_LABELS)
# The part of a refusal that names its kind, without the element's own names and values.
_MISSING_PROCESS = re.compile(r"The process '([^']+)' was not found")
_SPECIFICS = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"|\([^)]*\)|（[^）]*）|\d+|—.*$")


@dataclass
class Row:
    file: str
    process: str
    raw: str | None  # None: accepted
    govflow: list[str] | None

    @property
    def verdict(self) -> str:
        if self.raw is None and self.govflow is None:
            return "accepted by both"
        if self.raw is None:
            return "refused by govflow"
        return "refused by both" if self.govflow is not None else "refused by SpiffWorkflow only"


def _raw_parser(sources: dict[str, bytes]) -> SpiffBpmnParser:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, data in sources.items():
        root = etree.fromstring(data)
        if name.endswith(".dmn"):
            parser.add_dmn_xml(root, filename=name)
        else:
            parser.add_bpmn_xml(root, filename=name)
    return parser


def _raw(sources: dict[str, bytes], process_id: str | None) -> str | None:
    try:
        parser = _raw_parser(sources)
        if process_id is not None:
            parser.get_spec(process_id)
            parser.get_subprocess_specs(process_id)
    except Exception as exc:  # a survey of what fails, whatever the type
        return f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
    return None


def _govflow(sources: dict[str, bytes], process_id: str | None, decision: bool = False) -> list[str] | None:
    try:
        if decision:
            _govflow_dmn(sources)
        else:
            load_bundle(sources, process_id, VOCABULARY)
    except DefinitionError as exc:
        return [f"{p.element_id or '-'}: {p.reason}".splitlines()[0] for p in exc.problems]
    except Exception as exc:  # noqa: BLE001 — exactly what the corpus claim is about: none may escape
        return [f"UNCAUGHT {type(exc).__name__}: {exc}"]
    return None


def _govflow_dmn(sources: dict[str, bytes]) -> None:
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    from engine.dmn_versions import add_dmn, new_parser
    from engine.specs import _validation_error

    parser = new_parser()
    for name, data in sources.items():
        root = etree.fromstring(data)
        try:
            add_dmn(parser, name, root)
        except ValidationException as exc:
            raise _validation_error(name, root, exc) from exc


def _with_called_processes(path: Path, sources: dict[str, bytes], process_id: str) -> dict[str, bytes]:
    """`sources` plus the sibling files defining the processes its call activities name, as far as they exist."""
    sources = dict(sources)
    for _depth in range(5):
        missing = _MISSING_PROCESS.search(_raw(sources, process_id) or "")
        defining = [sibling for sibling in sorted(path.parent.glob("*.bpmn")) if missing and sibling.name not in sources
                    and etree.fromstring(sibling.read_bytes()).xpath("//*[local-name()='process'][@id=$id]",
                                                                     id=missing.group(1))]
        if not defining:
            break
        sources[defining[0].name] = defining[0].read_bytes()
    return sources


def rows(directory: Path) -> list[Row]:
    found: list[Row] = []
    for path in sorted(directory.rglob("*")):
        if path.suffix not in (".bpmn", ".dmn") or not path.is_file():
            continue
        name = str(path.relative_to(directory))
        if path.suffix == ".dmn":
            sources = {path.name: path.read_bytes()}
            found.append(Row(name, "(decision)", _raw(sources, None), _govflow(sources, None, decision=True)))
            continue
        sources = {path.name: path.read_bytes()}
        sources.update({d.name: d.read_bytes() for d in sorted(path.parent.glob("*.dmn"))})
        try:
            process_ids = _raw_parser({path.name: sources[path.name]}).get_process_ids()
        except Exception as exc:  # noqa: BLE001
            found.append(Row(name, "-", f"{type(exc).__name__}: {exc}".splitlines()[0][:160],
                             _govflow({path.name: sources[path.name]}, None)))
            continue
        if not process_ids:  # isExecutable="false" everywhere: a picture, nothing either would run
            found.append(Row(name, "-", "no executable process", ["no executable process"]))
        for process_id in process_ids:
            called = _with_called_processes(path, sources, process_id)
            found.append(Row(name, process_id, _raw(called, process_id), _govflow(called, process_id)))
    return found


def reason_kind(reason: str) -> str:
    text = reason.split(": ", 1)[-1]
    return _SPECIFICS.sub("…", text).strip()[:100]


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("directories", nargs="+", type=Path)
    arguments.add_argument("--details", action="store_true", help="list every process with its reasons")
    options = arguments.parse_args()
    table: list[Row] = []
    for directory in options.directories:
        table.extend(rows(directory))
    verdicts = Counter(row.verdict for row in table)
    kinds: Counter[str] = Counter()
    for row in table:
        if row.verdict == "refused by govflow":
            kinds.update({reason_kind(r) for r in row.govflow or []})
        if options.details or row.verdict == "refused by govflow":
            print(f"{row.verdict:<30} {row.file} [{row.process}]")
            for reason in row.govflow or []:
                print(f"{'':<32}govflow: {reason[:200]}")
            if options.details and row.raw:
                print(f"{'':<32}spiff:   {row.raw}")
    print(f"\n{len(table)} processes and decisions")
    for verdict in ("accepted by both", "refused by govflow", "refused by both", "refused by SpiffWorkflow only"):
        print(f"  {verdict:<30} {verdicts[verdict]}")
    print("\ngovflow's reasons for refusing what SpiffWorkflow accepts (processes refused for each):")
    for kind, count in kinds.most_common():
        print(f"  {count:>4}  {kind}")


if __name__ == "__main__":
    main()
