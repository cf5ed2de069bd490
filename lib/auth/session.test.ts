import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actorFromSessionToken, getAuthSecret, isSecureOrigin, readSessionToken, sessionCookieName } from "./session.ts";
import type { Tx } from "../db/types.ts";

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), "session-test-"));

describe("getAuthSecret", () => {
  it("prefers AUTH_SECRET", () => {
    expect(getAuthSecret({ authSecret: "x".repeat(40), dataDir: "/nonexistent" })).toBe("x".repeat(40));
  });

  it("generates a private secret once under DATA_DIR/keys and keeps it", () => {
    const dataDir = tempDir();
    const first = getAuthSecret({ dataDir });
    const file = path.join(dataDir, "keys", "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(getAuthSecret({ dataDir })).toBe(first);
  });

  it("uses a secret another process wrote first", () => {
    const dataDir = tempDir();
    mkdirSync(path.join(dataDir, "keys"), { recursive: true });
    writeFileSync(path.join(dataDir, "keys", "auth-secret"), "s".repeat(64) + "\n");
    expect(getAuthSecret({ dataDir })).toBe("s".repeat(64));
  });
});

describe("session cookies", () => {
  it("follows next-auth's naming: __Secure- only over HTTPS", () => {
    expect(sessionCookieName(false)).toBe("next-auth.session-token");
    expect(sessionCookieName(true)).toBe("__Secure-next-auth.session-token");
    expect(isSecureOrigin(new Headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(isSecureOrigin(new Headers({ "x-forwarded-proto": "http" }))).toBe(false);
    expect(isSecureOrigin(new Headers())).toBe(false);
  });

  it("reads the token, including one split into chunks, and ignores the other flavour", () => {
    expect(readSessionToken("a=1; next-auth.session-token=abc; b=2", false)).toBe("abc");
    expect(readSessionToken("next-auth.session-token.0=ab; next-auth.session-token.1=cd", false)).toBe("abcd");
    expect(readSessionToken("next-auth.session-token=abc", true)).toBeUndefined();
    expect(readSessionToken(null, false)).toBeUndefined();
  });

  it("treats a forged or garbled token as no session", async () => {
    // Decoding fails before any database access, so no database is needed here.
    const db = {} as Tx;
    expect(await actorFromSessionToken(db, "not-a-jwe", "k".repeat(40))).toBeUndefined();
    expect(await actorFromSessionToken(db, undefined, "k".repeat(40))).toBeUndefined();
  });
});
