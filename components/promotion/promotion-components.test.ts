// The promotion components' markup: verdicts as words (never colour alone), breaking schema changes
// marked, missing card items listed, approvals with the digest they signed and whether they count.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Gate } from "@/lib/promotion/gates";
import { ApprovalList } from "./approval-list";
import { GateChecklist } from "./gate-checklist";
import { VersionPromotion } from "./version-promotion";

const gates: Gate[] = [
  { id: "check.fairness", label: "Fairness check", status: "fail", detail: "Failed. demographic parity ratio 0.6 < 0.8 (sex)." },
  { id: "card", label: "Model card complete", status: "fail", detail: "The card is missing: …", missing: [{ item: "limitations", message: "Add a Limitations section." }] as Gate["missing"] },
  {
    id: "schema",
    label: "Schema compatible with prod",
    status: "pass",
    detail: "1 breaking change against prod 1.0.0, allowed by the major version bump to 2.0.0.",
    changes: [
      { breaking: true, feature: "age", message: "age: minimum raised from 0 to 18" },
      { breaking: false, feature: "zip", message: "zip: added (optional)" },
    ],
  },
  { id: "check.security", label: "Security scan", status: "waived", detail: "Not applicable, waived." },
  { id: "approvals", label: "2 reviewer approvals", status: "pending", detail: "0 of 2 approvals so far." },
];

describe("GateChecklist", () => {
  it("names each gate's verdict in words, marks breaking changes and lists the card's missing items", () => {
    const out = renderToStaticMarkup(createElement(GateChecklist, { gates }));
    for (const word of ["Fail", "Pass", "Waived", "Pending"]) expect(out).toContain(`</svg>${word}</span>`);
    expect(out).toContain("Breaking</span>");
    expect(out).toContain("age: minimum raised from 0 to 18");
    expect(out).toContain("Compatible</span>");
    expect(out).toContain("Add a Limitations section.");
    expect(out).toContain('data-gate="check.fairness" data-status="fail"');
  });
});

describe("ApprovalList", () => {
  const digest = "a".repeat(64);
  const base = { user: { id: "u", email: "rita@bank.example", name: "Rita" }, comment: "fine", credential: "session:x", createdAt: new Date().toISOString() };
  it("shows the digest each reviewer signed and whether the approval counts, with why not", () => {
    const out = renderToStaticMarkup(
      createElement(ApprovalList, {
        manifestDigest: digest,
        approvals: [
          { ...base, id: "1", decision: "approve", manifestDigest: digest, counts: true },
          { ...base, id: "2", decision: "approve", manifestDigest: "b".repeat(64), counts: false },
        ],
      }),
    );
    expect(out).toContain("Counts toward the request");
    expect(out).toContain("Does not count: signed another digest");
    expect(out).toContain(`title="sha256:${"b".repeat(64)}"`);
  });

  it("says how many approvals are needed when nobody has decided", () => {
    expect(renderToStaticMarkup(createElement(ApprovalList, { approvals: [], manifestDigest: digest, required: 2 }))).toContain("No reviewer has decided yet; 2 approvals are needed.");
  });
});

describe("VersionPromotion", () => {
  it("previews the next stage's gates when nothing is requested, and says a prod version has no next stage", () => {
    const preview = renderToStaticMarkup(
      createElement(VersionPromotion, { model: "m", version: "1.1.0", promotion: { stage: "staging", next: "prod", openRequest: null, gates, requiredApprovals: 2 } }),
    );
    expect(preview).toContain("nothing has been requested yet");
    expect(preview).toContain('aria-label="Gates for prod"');
    const prod = renderToStaticMarkup(createElement(VersionPromotion, { model: "m", version: "1.0.0", promotion: { stage: "prod", next: null, openRequest: null, gates: [], requiredApprovals: 0 } }));
    expect(prod).toContain("This version is prod: there is no further stage.");
  });
});
