// The schema gate on hand-made schemas: each kind of change, classified as the rule says.
import { describe, expect, it } from "vitest";
import { schemaCompatibility } from "./schema-compatibility.ts";

type Schema = Parameters<typeof schemaCompatibility>[0]["prod"]["inputSchema"];
const prodSchema: Schema = {
  features: [
    { name: "age", type: "int", min: 18, max: 100 },
    { name: "income", type: "float", min: 0 },
    { name: "home", type: "category", categories: ["rent", "mortgage", "own"] },
    { name: "note", type: "float", nullable: true },
  ],
  outputs: { label: "label", score: "probabilities", positiveClass: 1 },
};
const clone = (): NonNullable<Schema> => JSON.parse(JSON.stringify(prodSchema));
const check = (candidate: Schema, version = "1.5.0") => schemaCompatibility({ prod: { version: "1.4.0", inputSchema: prodSchema }, candidate: { version, inputSchema: candidate } });

describe("schema compatibility", () => {
  it("passes the same schema, and compatible changes with a list of them", () => {
    expect(check(clone())).toEqual({ verdict: "pass", summary: "Same input schema and outputs as prod 1.4.0.", changes: [] });
    const s = clone();
    s.features[0]!.min = 16; // wider
    s.features[2]!.categories!.push("other");
    s.features.push({ name: "region", type: "category", nullable: true, categories: ["n", "s"] });
    s.features[0]!.description = "years";
    const result = check(s);
    expect(result.verdict).toBe("pass");
    expect(result.changes.map((c) => [c.message, c.breaking])).toEqual([
      ["age: minimum lowered from 18 to 16", false],
      ["home: categories added: other", false],
      ["region: added (optional)", false],
    ]);
    expect(result.summary).toBe("Compatible with prod 1.4.0 (3 compatible changes).");
  });

  it("finds every kind of breaking change and blocks them without a major bump", () => {
    const s = clone();
    s.features = s.features.filter((f) => f.name !== "note"); // removed
    s.features[0]!.type = "float"; // type change
    s.features[0]!.max = 90; // narrowed
    s.features[1]!.max = 500000; // a bound where there was none
    s.features[2]!.categories = ["rent", "own"]; // removed category
    s.features.push({ name: "employment", type: "category" }); // new and required
    s.outputs!.positiveClass = 0; // changed output
    const result = check(s);
    expect(result.verdict).toBe("fail");
    expect(result.changes.filter((c) => c.breaking).map((c) => c.message)).toEqual([
      "age: type changed from int to float",
      "age: maximum lowered from 100 to 90",
      "income: maximum lowered from none to 500000",
      "home: categories removed: mortgage",
      "note: removed",
      "employment: added and required",
      "output positiveClass changed from 1 to 0",
    ]);
    expect(result.summary).toBe("7 breaking changes against prod 1.4.0: a breaking change needs a higher major version than 1.x (this is 1.5.0).");
    expect(check(s, "2.0.0")).toMatchObject({ verdict: "pass", summary: "7 breaking changes against prod 1.4.0, allowed by the major version bump to 2.0.0." });
    // A prerelease of the next major is a higher major too.
    expect(check(s, "2.0.0-rc.1").verdict).toBe("pass");
  });

  it("treats a feature becoming required, or the schema disappearing, as breaking; no prod schema means nothing to compare", () => {
    const s = clone();
    s.features[3]!.nullable = false;
    expect(check(s).changes).toEqual([{ breaking: true, feature: "note", message: "note: no longer nullable: callers must now always send it" }]);
    const restricted = clone();
    restricted.features[2] = { name: "home", type: "category" };
    const unrestricted = schemaCompatibility({ prod: { version: "1.4.0", inputSchema: restricted }, candidate: { version: "1.5.0", inputSchema: prodSchema } });
    expect(unrestricted.changes).toEqual([{ breaking: true, feature: "home", message: "home: categories now restricted to: rent, mortgage, own" }]);
    expect(check(undefined)).toMatchObject({ verdict: "fail", changes: [{ breaking: true, message: "the input schema was removed" }] });
    expect(schemaCompatibility({ prod: { version: "1.0.0" }, candidate: { version: "1.1.0", inputSchema: prodSchema } }).verdict).toBe("pass");
  });
});
