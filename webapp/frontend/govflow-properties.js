// The "govflow" group of the properties panel: the spiffworkflow extension properties the engine reads
// (engine/specs.py HumanTaskMeta, engine.signers, the timeout properties) offered as lists, not free text.
// The lists come from GET /definitions/vocabulary.json (org chart roles, scopes, registered forms and services),
// so nothing here knows a role or a form by name.
import { h } from "@bpmn-io/properties-panel/preact";
import { isSelectEntryEdited, isTextFieldEntryEdited, SelectEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

const PRIORITY = 600;

function extensionValues(bo) {
  return (bo.extensionElements && bo.extensionElements.get("values")) || [];
}

function findExtension(bo, type) {
  return extensionValues(bo).find((value) => is(value, type));
}

export function getProperty(element, name) {
  const props = findExtension(getBusinessObject(element), "spiffworkflow:Properties");
  const prop = props && props.get("properties").find((p) => p.name === name);
  return prop ? prop.value || "" : "";
}

// The extension element of `type` on `element`, created (with extensionElements) when `create` is set.
function ensureExtension(element, type, injector) {
  const bo = getBusinessObject(element);
  const bpmnFactory = injector.get("bpmnFactory");
  const commandStack = injector.get("commandStack");
  let extensionElements = bo.extensionElements;
  if (!extensionElements) {
    extensionElements = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    commandStack.execute("element.updateModdleProperties",
      { element, moddleElement: bo, properties: { extensionElements } });
  }
  let extension = findExtension(bo, type);
  if (!extension) {
    extension = bpmnFactory.create(type);
    extension.$parent = extensionElements;
    commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: extensionElements,
      properties: { values: [...extensionElements.get("values"), extension] },
    });
  }
  return extension;
}

export function setProperty(element, name, value, injector) {
  const commandStack = injector.get("commandStack");
  const bpmnFactory = injector.get("bpmnFactory");
  const existing = findExtension(getBusinessObject(element), "spiffworkflow:Properties");
  if (!value && !existing) { return; }
  const props = ensureExtension(element, "spiffworkflow:Properties", injector);
  const list = props.get("properties");
  const prop = list.find((p) => p.name === name);
  if (!value) {
    if (prop) {
      commandStack.execute("element.updateModdleProperties", {
        element, moddleElement: props, properties: { properties: list.filter((p) => p !== prop) },
      });
    }
  } else if (prop) {
    commandStack.execute("element.updateModdleProperties",
      { element, moddleElement: prop, properties: { value: String(value) } });
  } else {
    const created = bpmnFactory.create("spiffworkflow:Property", { name, value: String(value) });
    created.$parent = props;
    commandStack.execute("element.updateModdleProperties",
      { element, moddleElement: props, properties: { properties: [...list, created] } });
  }
}

function options(list, emptyLabel) {
  return [{ value: "", label: emptyLabel }, ...list.map((o) => ({ value: o.value, label: o.label + (o.label !== o.value ? ` (${o.value})` : "") }))];
}

function PropertySelect({ element, id, name, label, choices, description }) {
  const injector = useService("injector");
  return h(SelectEntry, {
    element, id, label, description,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, value, injector),
    getOptions: () => {
      const list = choices(element);
      const current = getProperty(element, name);
      // a value the lists do not know (e.g. a role removed from the org chart) stays visible, for validation to flag
      return current && !list.some((o) => o.value === current) ? [...list, { value: current, label: current }] : list;
    },
  });
}

function PropertyText({ element, id, name, label, description, check }) {
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label, description, debounce,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, (value || "").trim(), injector),
    validate: (value) => (value && check ? check(value) : null),
  });
}

function OperatorSelect({ element, id, label, choices }) {
  const injector = useService("injector");
  const bo = getBusinessObject(element);
  return h(SelectEntry, {
    element, id, label,
    getValue: () => { const op = findExtension(bo, "spiffworkflow:ServiceTaskOperator"); return op ? op.id || "" : ""; },
    setValue: (value) => {
      const op = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", injector);
      injector.get("commandStack").execute("element.updateModdleProperties",
        { element, moddleElement: op, properties: { id: value || undefined } });
    },
    getOptions: () => choices,
  });
}

function ResultVariable({ element, id, label }) {
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return h(TextFieldEntry, {
    element, id, label, debounce,
    getValue: () => { const op = findExtension(bo, "spiffworkflow:ServiceTaskOperator"); return op ? op.resultVariable || "" : ""; },
    setValue: (value) => {
      const op = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", injector);
      injector.get("commandStack").execute("element.updateModdleProperties",
        { element, moddleElement: op, properties: { resultVariable: (value || "").trim() || undefined } });
    },
  });
}

const WHOLE = /^\d+$/;

function userTasksBesides(element, elementRegistry, emptyLabel) {
  const tasks = elementRegistry.filter((e) => is(e, "bpmn:UserTask") && e.id !== element.id && !e.labelTarget);
  return options(tasks.map((t) => ({ value: t.id, label: t.businessObject.name || t.id })), emptyLabel);
}

export default function GovflowPropertiesProvider(propertiesPanel, elementRegistry, govflowVocabulary) {
  this.getGroups = function (element) {
    return function (groups) {
      const vocab = govflowVocabulary.lists;
      const t = govflowVocabulary.labels;
      if (!vocab) { return groups; }
      let entries = null;
      const none = t.none;
      const text = (id, name, label, check, description) => ({
        id, element, component: PropertyText, isEdited: isTextFieldEntryEdited,
        name, label, check, description,
      });
      const select = (id, name, label, choices, description) => ({
        id, element, component: PropertySelect, isEdited: isSelectEntryEdited,
        name, label, choices, description,
      });
      const wholeDays = (value) => (WHOLE.test(value) ? null : t.wholeDays);
      if (is(element, "bpmn:UserTask")) {
        entries = [
          select("govflow-role", "role", t.role, () => options(vocab.roles, none)),
          select("govflow-scope", "scope", t.scope, () => options(vocab.scopes, t.defaultScope)),
          select("govflow-performer-of", "performer_of", t.performerOf,
            (el) => userTasksBesides(el, elementRegistry, none), t.performerOfHelp),
          select("govflow-form", "form", t.form, () => options(vocab.forms, t.defaultForm)),
          text("govflow-due", "due_working_days", t.due, wholeDays),
          text("govflow-timeout-days", "timeout_working_days", t.timeoutDays, wholeDays),
          select("govflow-timeout-action", "timeout_action", t.timeoutAction, () => options(vocab.timeout_actions, none)),
          select("govflow-escalate-role", "escalate_role", t.escalateRole, () => options(vocab.roles, none)),
          select("govflow-escalate-scope", "escalate_scope", t.escalateScope, () => options(vocab.scopes, t.defaultScope)),
          select("govflow-approval-mode", "approval_mode", t.approvalMode, () => options(vocab.approval_modes, none)),
          text("govflow-pass-ratio", "pass_ratio", t.passRatio,
            (value) => (/^\d+(\.\d+)?(\/\d+)?$/.test(value) ? null : t.ratio)),
          text("govflow-result-variable", "result_variable", t.resultVariable),
        ];
      } else if (is(element, "bpmn:ServiceTask")) {
        entries = [
          { id: "govflow-operator", element, component: OperatorSelect, isEdited: isSelectEntryEdited,
            label: t.operator, choices: options(vocab.services, none) },
          { id: "govflow-operator-result", element, component: ResultVariable, isEdited: isTextFieldEntryEdited,
            label: t.resultVariable },
        ];
      }
      if (entries) {
        groups.splice(1, 0, { id: "govflow", label: t.group, entries });
      }
      return groups;
    };
  };
  propertiesPanel.registerProvider(PRIORITY, this);
}

GovflowPropertiesProvider.$inject = ["propertiesPanel", "elementRegistry", "govflowVocabulary"];
