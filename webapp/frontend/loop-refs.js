// SpiffWorkflow reads a multi-instance task's loopDataInputRef / loopDataOutputRef as the NAME of a process
// variable (`approver_chain`), while BPMN (and so bpmn-js) takes it for the id of a data element: bpmn-js drops a
// reference it cannot resolve, and the exported diagram would lose its list of approvers. We note these names when
// a diagram is opened and put back any the export left out, as long as the task is still multi-instance.
const BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const REFS = ["loopDataInputRef", "loopDataOutputRef"];
// what follows each reference inside multiInstanceLoopCharacteristics (BPMN 2.0 XSD order)
const AFTER = {
  loopDataInputRef: ["loopDataOutputRef", "inputDataItem", "outputDataItem", "complexBehaviorDefinition",
    "completionCondition"],
  loopDataOutputRef: ["inputDataItem", "outputDataItem", "complexBehaviorDefinition", "completionCondition"],
};

function loops(doc) {
  return Array.from(doc.getElementsByTagNameNS(BPMN_NS, "multiInstanceLoopCharacteristics"))
    .filter((loop) => loop.parentNode && loop.parentNode.getAttribute && loop.parentNode.getAttribute("id"));
}

function child(loop, name) {
  return Array.from(loop.children).find((c) => c.namespaceURI === BPMN_NS && c.localName === name);
}

// {activityId: {loopDataInputRef: "approver_chain", ...}} as written in `xml`
export function noteLoopRefs(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const noted = {};
  for (const loop of loops(doc)) {
    for (const name of REFS) {
      const ref = child(loop, name);
      if (ref && ref.textContent.trim()) {
        const id = loop.parentNode.getAttribute("id");
        noted[id] = Object.assign(noted[id] || {}, { [name]: ref.textContent.trim() });
      }
    }
  }
  return noted;
}

// `xml` with the noted references the export left out put back
export function restoreLoopRefs(xml, noted) {
  if (!Object.keys(noted).length) { return xml; }
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  let changed = false;
  for (const loop of loops(doc)) {
    const refs = noted[loop.parentNode.getAttribute("id")] || {};
    for (const name of REFS) {
      if (!refs[name] || child(loop, name)) { continue; }
      const ref = doc.createElementNS(BPMN_NS, loop.prefix ? `${loop.prefix}:${name}` : name);
      ref.textContent = refs[name];
      const next = Array.from(loop.children).find((c) => c.namespaceURI === BPMN_NS && AFTER[name].includes(c.localName));
      loop.insertBefore(ref, next || null);
      changed = true;
    }
  }
  if (!changed) { return xml; }
  const declaration = xml.startsWith("<?xml") ? xml.slice(0, xml.indexOf("?>") + 2) + "\n" : "";
  return declaration + new XMLSerializer().serializeToString(doc.documentElement);
}
