// bpmnlint's rules for the browser, resolved from the installed package (no bpmnlint-loader needed): the
// structural checks of bpmnlint's "recommended" set that our hand-written diagrams satisfy. Labels are not required
// (service-side flows and gateways often have none) and DI completeness is the server's business.
import conditionalFlows from "bpmnlint/rules/conditional-flows";
import endEventRequired from "bpmnlint/rules/end-event-required";
import fakeJoin from "bpmnlint/rules/fake-join";
import noDisconnected from "bpmnlint/rules/no-disconnected";
import noDuplicateSequenceFlows from "bpmnlint/rules/no-duplicate-sequence-flows";
import noImplicitEnd from "bpmnlint/rules/no-implicit-end";
import noImplicitStart from "bpmnlint/rules/no-implicit-start";
import singleEventDefinition from "bpmnlint/rules/single-event-definition";
import startEventRequired from "bpmnlint/rules/start-event-required";
import subProcessBlankStartEvent from "bpmnlint/rules/sub-process-blank-start-event";
import superfluousGateway from "bpmnlint/rules/superfluous-gateway";

const RULES = {
  "conditional-flows": conditionalFlows,
  "end-event-required": endEventRequired,
  "fake-join": fakeJoin,
  "no-disconnected": noDisconnected,
  "no-duplicate-sequence-flows": noDuplicateSequenceFlows,
  "no-implicit-end": noImplicitEnd,
  "no-implicit-start": noImplicitStart,
  "single-event-definition": singleEventDefinition,
  "start-event-required": startEventRequired,
  "sub-process-blank-start-event": subProcessBlankStartEvent,
  "superfluous-gateway": superfluousGateway,
};

const LEVELS = { "fake-join": "warn", "superfluous-gateway": "warn" };

export default {
  config: {
    rules: Object.fromEntries(Object.keys(RULES).map((name) => [name, LEVELS[name] || "error"])),
  },
  resolver: {
    resolveRule(pkg, ruleName) {
      const rule = RULES[ruleName];
      if (!rule) { throw new Error("unknown bpmnlint rule " + pkg + "/" + ruleName); }
      return rule;
    },
    resolveConfig(pkg, configName) {
      throw new Error("no bpmnlint config " + pkg + "/" + configName);
    },
  },
};
