// Webhook signing secrets at rest: AES-256-GCM under WEBHOOK_ENCRYPTION_KEY (or, in the zero-config
// embedded default, a key generated once under DATA_DIR/keys like the other generated secrets). The
// webhook's id is the additional authenticated data, so a ciphertext copied onto another webhook's
// row does not decrypt there. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url), the version naming
// the scheme so a later key rotation can tell old rows apart.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import path from "node:path";
import { decodeKey32 } from "../config/index.ts";
import { readOrCreateKeyFile } from "../integrity/key-file.ts";

export type SecretBox = { seal(plaintext: string, webhookId: string): string; open(sealed: string, webhookId: string): string };

const keyCache = new Map<string, Buffer>();

/** The box for the configured key, or for the key generated under dataDir/keys. */
export function openSecretBox(config: { webhooks: { encryptionKey?: string }; dataDir: string }): SecretBox {
  return secretBoxFor(webhookEncryptionKey(config));
}

function webhookEncryptionKey({ webhooks, dataDir }: { webhooks: { encryptionKey?: string }; dataDir: string }): Buffer {
  if (webhooks.encryptionKey) {
    const key = decodeKey32(webhooks.encryptionKey);
    if (!key) throw new Error("WEBHOOK_ENCRYPTION_KEY must be 32 bytes as base64 or hex");
    return key;
  }
  const file = path.join(dataDir, "keys", "webhook-encryption-key");
  let key = keyCache.get(file);
  if (!key) {
    key = decodeKey32(readOrCreateKeyFile(file, () => randomBytes(32).toString("base64") + "\n"));
    if (!key) throw new Error(`the webhook encryption key in ${file} is not 32 bytes of base64; restore it (deleting it makes every stored webhook secret unreadable)`);
    keyCache.set(file, key);
  }
  return key;
}

export function secretBoxFor(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("a webhook encryption key is 32 bytes");
  return {
    seal(plaintext, webhookId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(webhookId));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
    },
    open(sealed, webhookId) {
      const [version, iv, tag, ciphertext] = sealed.split(".");
      if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error("not a sealed webhook secret");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(webhookId));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}
