import { mkdtempSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { loadSigner } from "./signing.ts";
import { readOrCreateKeyFile } from "./key-file.ts";

it("creates a key file once, private, and keeps it", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "keys-"));
  const file = path.join(dir, "keys", "secret");
  let generated = 0;
  const make = () => `secret-${++generated}`;
  expect(readOrCreateKeyFile(file, make)).toBe("secret-1");
  expect(readOrCreateKeyFile(file, make)).toBe("secret-1");
  expect(generated).toBe(1);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(path.dirname(file))).toEqual(["secret"]); // no temp files left
});

it("the embedded default signs with the same generated key across restarts", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "signer-"));
  expect(loadSigner({ dataDir }).keyId).toBe(loadSigner({ dataDir }).keyId);
});
