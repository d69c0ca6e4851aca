"""Two versions side by side: what changed in their diagrams (element ids) and in their XML (per file).

Read-only and computed on the server, so the page marks changed elements with the ordinary diagram viewer
(no diffing library in the browser). Elements are compared by id: an id only in the newer version is added,
one only in the older removed, and one in both is changed when its own attributes, text or unnamed children
(conditions, timer expressions, properties) differ. Layout (BPMN DI: positions, waypoints) is not a change.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from engine.specs import _SAFE_XML

_LAYOUT_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
                      "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
                      "http://www.omg.org/spec/DMN/20180521/DMNDI/")


@dataclass(frozen=True)
class ElementChanges:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def _is_layout(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return any(tag.startswith("{" + ns) for ns in _LAYOUT_NAMESPACES)


def _signature(element: etree._Element) -> tuple:
    """What an element says apart from its children that have ids of their own (compared on their own)."""
    children = tuple(_signature(child) for child in element
                     if isinstance(child.tag, str) and not child.get("id") and not _is_layout(child))
    return element.tag, tuple(sorted(element.attrib.items())), (element.text or "").strip(), children


def _elements(sources: Mapping[str, str]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for text in sources.values():
        try:
            root = etree.fromstring(text.encode("utf-8"), _SAFE_XML)
        except etree.XMLSyntaxError:
            continue  # a stored version always parsed; nothing to mark otherwise
        for element in root.iter(etree.Element):
            if element.get("id") and not _is_layout(element):
                found[element.get("id")] = _signature(element)
    return found


def element_changes(older: Mapping[str, str], newer: Mapping[str, str]) -> ElementChanges:
    before, after = _elements(older), _elements(newer)
    return ElementChanges(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(k for k in before.keys() & after.keys() if before[k] != after[k])),
    )


@dataclass(frozen=True)
class FileDiff:
    name: str
    status: str  # "added", "removed", "changed", "same"
    table: str  # difflib's HTML table (escaped by difflib), "" when the file is the same


def file_diffs(older: Mapping[str, str], newer: Mapping[str, str], older_label: str,
               newer_label: str) -> list[FileDiff]:
    """Per file, an HTML side-by-side diff of the lines that differ (with three lines of context)."""
    diffs = []
    for name in sorted(older.keys() | newer.keys()):
        a, b = older.get(name), newer.get(name)
        status = "added" if a is None else "removed" if b is None else "same" if a == b else "changed"
        table = "" if status == "same" else difflib.HtmlDiff(tabsize=2, wrapcolumn=56).make_table(
            (a or "").splitlines(), (b or "").splitlines(), older_label, newer_label, context=True, numlines=3)
        diffs.append(FileDiff(name, status, table))
    return diffs
