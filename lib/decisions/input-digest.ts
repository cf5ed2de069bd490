// What the ledger keeps of a decision's input. The digest is an HMAC under a server key, not a plain
// hash: a credit application of six fields could be recovered from a plain sha256 by guessing, so
// without the key a digest proves nothing about whose input it was. The input itself is kept per the
// retention setting — in full, not at all (digest only), or with named fields removed — because
// inputs are often personal data.
import { createHmac, randomBytes } from "node:crypto";
import path from "node:path";
import { decodeKey32 } from "../config/index.ts";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { readOrCreateKeyFile } from "../integrity/key-file.ts";

export type InputRetention = "full" | "digest" | "redacted";
export type RetentionSetting = { mode: InputRetention; redactFields: readonly string[] };

export type Row = Record<string, unknown>;

/** The key: DECISION_INPUT_KEY, or (embedded default) one generated once under DATA_DIR/keys. */
export function decisionInputKey(config: { decisions: { inputKey?: string }; dataDir: string }): Buffer {
  if (config.decisions.inputKey) {
    const key = decodeKey32(config.decisions.inputKey);
    if (!key) throw new Error("DECISION_INPUT_KEY must be 32 bytes as base64 or hex");
    return key;
  }
  const file = path.join(config.dataDir, "keys", "decision-input-key");
  const key = decodeKey32(readOrCreateKeyFile(file, () => randomBytes(32).toString("base64") + "\n"));
  if (!key) throw new Error(`the decision input key in ${file} is not 32 bytes of base64; restore it (without it no stored input digest can be checked)`);
  return key;
}

/** `hmac-sha256:<hex>` over the canonical JSON of the row (sorted keys, so key order never matters). */
export function inputDigest(key: Buffer, row: Row): string {
  return "hmac-sha256:" + createHmac("sha256", key).update(canonicalJson(row)).digest("hex");
}

/** What is stored of `row` under the setting: the input (or null) and the fields left out. */
export function retainInput(row: Row, setting: RetentionSetting): { input: Row | null; redactedFields: string[] } {
  if (setting.mode === "digest") return { input: null, redactedFields: [] };
  if (setting.mode === "full" || setting.redactFields.length === 0) return { input: row, redactedFields: [] };
  const input: Row = {};
  const redacted: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (setting.redactFields.includes(k)) redacted.push(k);
    else input[k] = v;
  }
  return { input, redactedFields: redacted };
}
