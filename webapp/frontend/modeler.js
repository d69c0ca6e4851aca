// The modeler page (/definitions/<key>/edit/): bpmn-js with the properties panel and bpmnlint for the .bpmn
// file, dmn-js for each .dmn file, one tab per file. Save draft / Validate / Publish post the files to the JSON
// endpoints of webapp/views/modeler.py; validation problems are marked on the diagram by element id and listed
// beside it (problems without an element by file), next to bpmnlint's own findings.
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";

import BpmnModeler from "bpmn-js/lib/Modeler";
import DmnModeler from "dmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";

import lintConfig from "./lint-config.js";
import { noteLoopRefs, restoreLoopRefs } from "./loop-refs.js";
import GovflowPropertiesProvider from "./govflow-properties.js";
import spiffworkflowModdle from "./spiffworkflow-moddle.json";
import { translateZhModule } from "./translate-zh.js";

const PROBLEM_MARKER = "govflow-problem";

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: `HTTP ${response.status}` }; }
  return { status: response.status, data };
}

class ModelerPage {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.t = config.labels;
    this.checksum = config.checksum || "";
    this.basedOn = config.basedOn;
    this.editors = {}; // filename -> {kind, modeler, pane, tab, xml, imported}
    this.status = root.querySelector("[data-status]");
    this.problemList = root.querySelector("[data-problems]");
    this.lintList = root.querySelector("[data-lint]");
  }

  async start() {
    const response = await fetch(this.config.urls.vocabulary, { credentials: "same-origin" });
    this.vocabulary = await response.json();
    const tabs = this.root.querySelector("[data-tabs]");
    const panes = this.root.querySelector("[data-panes]");
    const names = Object.keys(this.config.sources).sort((a, b) =>
      (a.endsWith(".bpmn") ? 0 : 1) - (b.endsWith(".bpmn") ? 0 : 1) || a.localeCompare(b));
    for (const name of names) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "modeler-tab";
      tab.textContent = name;
      tab.dataset.file = name;
      tab.addEventListener("click", () => this.show(name));
      tabs.appendChild(tab);
      const pane = document.createElement("div");
      pane.className = "modeler-pane";
      pane.dataset.file = name;
      pane.hidden = true;
      panes.appendChild(pane);
      this.editors[name] = { kind: name.endsWith(".bpmn") ? "bpmn" : "dmn", pane, tab,
        xml: this.config.sources[name], modeler: null };
    }
    this.root.querySelector("[data-save]").addEventListener("click", () => this.save());
    this.root.querySelector("[data-validate]").addEventListener("click", () => this.validate());
    this.root.querySelector("[data-publish]").addEventListener("click", () => this.publish());
    if (names.length) { await this.show(names[0]); }
    this.root.dataset.ready = "true";
  }

  async show(name) {
    for (const [other, editor] of Object.entries(this.editors)) {
      editor.pane.hidden = other !== name;
      editor.tab.classList.toggle("active", other === name);
      editor.tab.setAttribute("aria-selected", String(other === name));
    }
    const editor = this.editors[name];
    if (!editor.modeler) {
      try {
        editor.modeler = editor.kind === "bpmn" ? await this.openBpmn(editor) : await this.openDmn(editor);
      } catch (error) {
        editor.modeler = null;
        this.say(`${name}：${this.t.cannotOpen} ${error.message || error}`, "error");
        return;
      }
    }
    if (editor.kind === "bpmn") { editor.modeler.get("canvas").resized(); }
  }

  async openBpmn(editor) {
    editor.pane.innerHTML = '<div class="modeler-canvas"></div><div class="modeler-properties"></div>';
    const modeler = new BpmnModeler({
      container: editor.pane.querySelector(".modeler-canvas"),
      propertiesPanel: { parent: editor.pane.querySelector(".modeler-properties") },
      linting: { bpmnlint: lintConfig, active: true },
      additionalModules: [
        BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, lintModule, translateZhModule,
        {
          __init__: ["govflowPropertiesProvider"],
          govflowPropertiesProvider: ["type", GovflowPropertiesProvider],
          govflowVocabulary: ["value", { lists: this.vocabulary, labels: this.t.panel }],
        },
      ],
      moddleExtensions: { spiffworkflow: spiffworkflowModdle },
    });
    modeler.on("linting.completed", (event) => this.showLint(event.issues));
    editor.loopRefs = noteLoopRefs(editor.xml);
    const { warnings } = await modeler.importXML(editor.xml);
    if (warnings.length) { console.warn(warnings); }
    modeler.get("canvas").zoom("fit-viewport");
    return modeler;
  }

  async openDmn(editor) {
    editor.pane.innerHTML = '<div class="modeler-dmn"></div>';
    const modeler = new DmnModeler({
      container: editor.pane.querySelector(".modeler-dmn"),
      // per view: dmn-js replaces `common.additionalModules` with each view's own list
      drd: { additionalModules: [translateZhModule] },
      decisionTable: { additionalModules: [translateZhModule] },
      literalExpression: { additionalModules: [translateZhModule] },
    });
    await modeler.importXML(editor.xml);
    const table = modeler.getViews().find((view) => view.type === "decisionTable");
    if (table) { await modeler.open(table); }
    return modeler;
  }

  async sources() {
    const sources = {};
    for (const [name, editor] of Object.entries(this.editors)) {
      if (!editor.modeler) { sources[name] = editor.xml; continue; }
      const { xml } = await editor.modeler.saveXML({ format: true });
      sources[name] = editor.kind === "bpmn" ? restoreLoopRefs(xml, editor.loopRefs) : xml;
    }
    return sources;
  }

  say(message, kind) {
    this.status.textContent = message;
    this.status.className = `modeler-status ${kind || ""}`;
  }

  busy(on) {
    this.root.querySelectorAll("[data-save],[data-validate],[data-publish]").forEach((b) => { b.disabled = on; });
  }

  async save() {
    this.busy(true);
    try {
      const { status, data } = await postJson(this.config.urls.save,
        { sources: await this.sources(), checksum: this.checksum, basedOn: this.basedOn });
      if (status === 200) {
        this.checksum = data.checksum;
        this.say(this.t.saved, "ok");
      } else {
        this.say(data.error || `HTTP ${status}`, "error");
      }
    } finally { this.busy(false); }
  }

  async validate() {
    this.busy(true);
    try {
      const { status, data } = await postJson(this.config.urls.validate, { sources: await this.sources() });
      if (status !== 200) { this.say(data.error || `HTTP ${status}`, "error"); return; }
      this.showProblems(data.problems);
      this.say(data.problems.length ? this.t.problemsFound.replace("{n}", data.problems.length) : this.t.valid,
        data.problems.length ? "error" : "ok");
    } finally { this.busy(false); }
  }

  async publish() {
    this.busy(true);
    try {
      const { status, data } = await postJson(this.config.urls.publish,
        { sources: await this.sources(), checksum: this.checksum });
      if (status === 200) {
        this.showProblems([]);
        this.checksum = "";
        this.basedOn = data.version;
        this.say(this.t.published.replace("{n}", data.version), "ok");
        const link = this.root.querySelector("[data-version-link]");
        link.href = data.url;
        link.textContent = `v${data.version}`;
        link.hidden = false;
      } else {
        if (data.problems) { this.showProblems(data.problems); }
        this.say(data.error || `HTTP ${status}`, "error");
      }
    } finally { this.busy(false); }
  }

  clearMarks() {
    for (const editor of Object.values(this.editors)) {
      editor.tab.classList.remove("has-problems");
      if (editor.kind === "bpmn" && editor.modeler) {
        const overlays = editor.modeler.get("overlays");
        const canvas = editor.modeler.get("canvas");
        overlays.remove({ type: PROBLEM_MARKER });
        (editor.marked || []).forEach((id) => canvas.removeMarker(id, PROBLEM_MARKER));
        editor.marked = [];
      }
    }
  }

  showProblems(problems) {
    this.clearMarks();
    this.problemList.innerHTML = "";
    for (const problem of problems) {
      const editor = this.editors[problem.file];
      const item = document.createElement("li");
      item.className = "modeler-problem";
      item.dataset.element = problem.element_id;
      item.textContent = `${problem.file}${problem.element_id ? ` · ${problem.element_id}` : ""}：${problem.message}`;
      this.problemList.appendChild(item);
      if (!editor) { continue; }
      editor.tab.classList.add("has-problems");
      if (editor.kind !== "bpmn" || !editor.modeler || !problem.element_id) { continue; }
      const element = editor.modeler.get("elementRegistry").get(problem.element_id);
      if (!element) { continue; }
      editor.modeler.get("canvas").addMarker(problem.element_id, PROBLEM_MARKER);
      editor.marked.push(problem.element_id);
      const badge = document.createElement("div");
      badge.className = "govflow-problem-badge";
      badge.title = problem.message;
      badge.textContent = "!";
      editor.modeler.get("overlays").add(problem.element_id, PROBLEM_MARKER,
        { position: { top: -12, right: 12 }, html: badge });
      item.addEventListener("click", () => {
        this.show(problem.file);
        editor.modeler.get("selection").select(element);
      });
    }
    this.problemList.closest("section").hidden = problems.length === 0;
  }

  showLint(issues) {
    this.lintList.innerHTML = "";
    let count = 0;
    for (const [elementId, list] of Object.entries(issues || {})) {
      for (const issue of list) {
        const item = document.createElement("li");
        item.className = `modeler-lint ${issue.category}`;
        item.textContent = `${elementId} · ${issue.rule}：${issue.message}`;
        this.lintList.appendChild(item);
        count += 1;
      }
    }
    this.lintList.closest("section").hidden = count === 0;
  }
}

const root = document.querySelector("[data-modeler]");
if (root) {
  const config = JSON.parse(document.getElementById("modeler-config").textContent);
  window.govflowModeler = new ModelerPage(root, config);
  window.govflowModeler.start().catch((error) => {
    root.querySelector("[data-status]").textContent = String(error.message || error);
  });
}
