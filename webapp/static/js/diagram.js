// Draws the process diagram of a case with bpmn-js and marks where the case stands.
(function () {
  "use strict";

  var MARKERS = { current: "highlight-current", done: "highlight-done", errored: "highlight-error",
                  added: "diff-added", removed: "diff-removed", changed: "diff-changed" };

  function ids(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function show(container) {
    var viewer = new BpmnJS({ container: container.querySelector(".diagram-canvas") });
    fetch(container.dataset.bpmnUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport");
        Object.keys(MARKERS).forEach(function (kind) {
          ids(container.dataset[kind]).forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, MARKERS[kind]); }
          });
        });
      })
      .catch(function (error) {
        container.querySelector(".diagram-error").hidden = false;
        console.error(error);
      });
  }

  document.querySelectorAll(".diagram[data-bpmn-url]").forEach(show);
})();
