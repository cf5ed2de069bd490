// The card gate on hand-written cards: what counts as each item, and what does not.
import { describe, expect, it } from "vitest";
import { cardCompleteness } from "./card-completeness.ts";

const missingOf = (card: string | undefined) => cardCompleteness(card).missing.map((m) => m.item);

describe("card completeness", () => {
  it("passes a card with the four sections", () => {
    const card = ["# credit-risk", "## Intended use", "Scoring consumer credit applications.", "## Limitations", "Not for mortgages.", "## Fairness", "DP ratio 0.86 by sex.", "## Contact", "risk-models@example.com"].join("\n");
    expect(cardCompleteness(card)).toEqual({ complete: true, missing: [] });
  });

  it("takes the owner (or any item) from front matter, and Hugging Face's combined section", () => {
    const card = ["---", "owner: Credit Risk Modelling <risk-models@example.com>", "---", "## Uses", "Scoring.", "## Bias, Risks, and Limitations", "Trained on 2019–2023 applicants only."].join("\n");
    expect(missingOf(card)).toEqual([]);
  });

  it("names every missing item, and ignores empty sections, placeholders, comments and headings inside code", () => {
    const card = [
      "## Intended use",
      "<!-- fill in -->",
      "## Limitations",
      "[More Information Needed]",
      "### Sub-heading with text belongs to Limitations",
      "Yet it is a sub-section: the text counts for Limitations.",
      "```",
      "## Fairness",
      "inside a code block",
      "```",
      "---",
    ].join("\n");
    expect(missingOf(card)).toEqual(["intended_use", "fairness_notes", "owner"]);
    const result = cardCompleteness(card);
    expect(result.complete).toBe(false);
    expect(result.missing[0]!.message).toBe('The model card has no intended use: add a "## Intended use" section with content, or a front-matter `intended_use:` entry.');
  });

  it("an empty front-matter value does not count, a heading of any level does, and a missing card lacks all four", () => {
    const card = ["---", "owner: ''", "fairness: []", "---", "## Intended use", "Scoring.", "#### Limitations", "Only the heading text matters, not its level: this counts."].join("\n");
    expect(missingOf(card)).toEqual(["fairness_notes", "owner"]);
    expect(missingOf(undefined)).toEqual(["intended_use", "limitations", "fairness_notes", "owner"]);
    expect(missingOf("   \n")).toEqual(["intended_use", "limitations", "fairness_notes", "owner"]);
  });
});
