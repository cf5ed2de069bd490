// Password hashing with Argon2id (@node-rs/argon2: maintained, prebuilt per platform, no build
// step). Hashes from before the switch (scrypt$N$r$p$salt$hash) still verify and are replaced with
// an Argon2id hash at the next successful sign-in.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** OWASP's recommended Argon2id baseline (19 MiB, 2 passes, 1 lane); the library's defaults. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * Checks a password against a stored hash. With no stored hash (no such user, or an SSO-only user)
 * the same work is done against a throwaway hash, so the answer takes as long either way and the
 * timing does not tell whether an account exists.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) {
    await verify(await decoyHash(), password).catch(() => false);
    return false;
  }
  if (stored.startsWith("scrypt$")) return verifyScrypt(password, stored);
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash should be replaced (it predates Argon2id). */
export function needsRehash(stored: string | null | undefined): boolean {
  return !!stored && !stored.startsWith("$argon2id$");
}

let decoy: Promise<string> | undefined;
function decoyHash(): Promise<string> {
  decoy ??= hash(randomBytes(16).toString("base64url"));
  return decoy;
}

function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, expectedB64] = stored.split("$");
  if (!salt || !expectedB64) return Promise.resolve(false);
  const expected = Buffer.from(expectedB64, "base64url");
  const opts: ScryptOptions = { N: Number(n), r: Number(r), p: Number(p) };
  return new Promise((resolve) =>
    scryptCb(password, Buffer.from(salt, "base64url"), expected.length, opts, (err, key) => resolve(!err && timingSafeEqual(key, expected))),
  );
}
