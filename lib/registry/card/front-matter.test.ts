import { describe, expect, it } from "vitest";
import { splitFrontMatter } from "./front-matter.ts";

describe("splitFrontMatter", () => {
  it("separates Hugging Face style front matter from the markdown", () => {
    const { frontMatter, body } = splitFrontMatter(
      "---\nlicense: apache-2.0\nlanguage:\n  - en\n  - de\ntags: [a, 'b']\nowner: \"risk team\" # comment\nmodel-index:\n  - name: x\n    results: []\n---\n# Title\n",
    );
    expect(body).toBe("# Title\n");
    expect(frontMatter).toEqual([
      { key: "license", value: { kind: "scalar", value: "apache-2.0" } },
      { key: "language", value: { kind: "list", items: ["en", "de"] } },
      { key: "tags", value: { kind: "list", items: ["a", "b"] } },
      { key: "owner", value: { kind: "scalar", value: "risk team" } },
      { key: "model-index", value: { kind: "raw", text: "- name: x\n  results: []" } },
    ]);
  });

  it("leaves cards without front matter alone", () => {
    expect(splitFrontMatter("# Card\n---\nnot: front matter\n")).toEqual({ frontMatter: null, body: "# Card\n---\nnot: front matter\n" });
  });
});
