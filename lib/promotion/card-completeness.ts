// The "model card complete" gate for prod: a reviewer at a bank needs the card to say what the
// model is for, where it fails, what is known about its fairness, and who answers for it. Read
// from the card's markdown sections and its front matter, each missing item named.
import { splitFrontMatter, type FrontMatterEntry } from "../registry/card/front-matter.ts";

export const cardItems = ["intended_use", "limitations", "fairness_notes", "owner"] as const;
export type CardItem = (typeof cardItems)[number];

/** What counts for each item: a markdown section with one of these headings, or a front-matter key. */
const accepted: Record<CardItem, { label: string; headings: string[]; keys: string[] }> = {
  intended_use: { label: "intended use", headings: ["intended use", "intended uses", "uses", "use cases", "direct use"], keys: ["intended_use"] },
  limitations: {
    label: "limitations",
    headings: ["limitations", "known limitations", "risks and limitations", "bias risks and limitations", "out of scope use"],
    keys: ["limitations"],
  },
  fairness_notes: {
    label: "fairness notes",
    headings: ["fairness", "fairness notes", "fairness considerations", "bias", "bias risks and limitations", "ethical considerations"],
    keys: ["fairness", "fairness_notes"],
  },
  owner: { label: "owner or contact", headings: ["owner", "owners", "contact", "model card contact", "maintainers"], keys: ["owner", "owners", "contact", "maintainers", "model_card_contact"] },
};

export type CardCompleteness = { complete: boolean; missing: { item: CardItem; message: string }[] };

/** Lower-case, punctuation and extra spaces gone: "Bias, Risks, and Limitations" → "bias risks and limitations". */
const normalize = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/**
 * A section's text without what does not inform anyone: HTML comments and the Hugging Face
 * template's "[More Information Needed]" placeholders.
 */
const substance = (text: string) =>
  text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\[more information needed\]/gi, "")
    .trim();

type Section = { heading: string; text: string };

/** Each heading with its content: the lines up to the next heading of the same or a higher level (code fences are not headings). */
function sections(body: string): Section[] {
  const lines = body.split(/\r?\n/);
  const headings: { line: number; level: number; heading: string }[] = [];
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    const h = inFence ? null : /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) headings.push({ line: index, level: h[1]!.length, heading: normalize(h[2]!) });
  });
  return headings.map((h, k) => {
    const end = headings.slice(k + 1).find((next) => next.level <= h.level)?.line ?? lines.length;
    return { heading: h.heading, text: lines.slice(h.line + 1, end).join("\n") };
  });
}

function frontMatterHas(entries: FrontMatterEntry[] | null, keys: string[]): boolean {
  return (entries ?? []).some((e) => {
    if (!keys.includes(e.key.toLowerCase())) return false;
    const v = e.value;
    return v.kind === "scalar" ? substance(v.value) !== "" : v.kind === "list" ? v.items.some((i) => substance(i) !== "") : substance(v.text) !== "";
  });
}

export function cardCompleteness(cardText: string | undefined): CardCompleteness {
  if (cardText === undefined || !cardText.trim())
    return { complete: false, missing: cardItems.map((item) => ({ item, message: `The version has no model card, so it says nothing about its ${accepted[item].label}.` })) };
  const { frontMatter, body } = splitFrontMatter(cardText);
  const found = sections(body);
  const missing = cardItems
    .filter((item) => {
      const rule = accepted[item];
      const section = found.some((s) => rule.headings.includes(s.heading) && substance(s.text) !== "");
      return !section && !frontMatterHas(frontMatter, rule.keys);
    })
    .map((item) => {
      const rule = accepted[item];
      return {
        item,
        message: `The model card has no ${rule.label}: add a "## ${rule.headings[0]![0]!.toUpperCase()}${rule.headings[0]!.slice(1)}" section with content, or a front-matter \`${rule.keys[0]}:\` entry.`,
      };
    });
  return { complete: missing.length === 0, missing };
}
