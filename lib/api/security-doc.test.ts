import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { renderSecurityDoc, SECURITY_DOC } from "./security-doc.ts";

it("docs/security.md shows the permission table as the code defines it (run npm run docs:security)", () => {
  const current = readFileSync(SECURITY_DOC, "utf8");
  expect(current).toBe(renderSecurityDoc(current));
});
