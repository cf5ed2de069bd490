// The audit log against real databases, in both modes (a PostgreSQL server, and the embedded PGlite):
// gapless numbering through rollbacks and concurrency, the credential on every event, verification of
// a chain that starts with legacy-numbered events, tamper detection, and listing in both orders.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/roles.ts";
import { applyMigrations, defaultMigrationsDir } from "../../db/migrate.ts";
import type { Db } from "../../db/types.ts";
import { AppError } from "../../errors/app-error.ts";
import { createTestDatabase, isPostgresAvailable, type TestDatabase } from "../../testing/db.ts";
import { auditQuery, listAuditEvents, type AuditEventView, type AuditQuery } from "../list-events.ts";
import { auditEventHash, GENESIS_HASH, recordAuditEvent, type AuditActor } from "../record-event.ts";
import { verifyAuditChain } from "../verify-chain.ts";

const GAPLESS_MIGRATION = "gapless_audit_seq";

const userActor = (id: string, credential: { tokenId?: string; sessionId?: string } = {}): Actor => ({
  type: "user",
  id,
  email: `${id}@example.test`,
  role: "admin",
  scopes: ["read", "write", "review", "admin"],
  ...credential,
});

function record(prisma: Db, actor: AuditActor, action = "model.updated", subject = { type: "model", id: "credit-risk" }) {
  return prisma.$transaction((tx) => recordAuditEvent(tx, { actor, action, subject, payload: { n: Math.random() } }));
}

const allSeqs = async (prisma: Db) => (await prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, select: { seq: true } })).map((e) => e.seq);
const range = (first: bigint, last: bigint) => Array.from({ length: Number(last - first + 1n) }, (_, i) => first + BigInt(i));

/** The recipe docs/api.md gives outside verifiers, written from the docs rather than from record-event.ts. */
function hashAsDocumented(e: AuditEventView): string {
  const canonical = (v: unknown): string =>
    v === null || typeof v !== "object"
      ? JSON.stringify(v)
      : Array.isArray(v)
        ? `[${v.map(canonical).join(",")}]`
        : `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
            .join(",")}}`;
  const v1 = { action: e.action, actorId: e.actor.id, actorType: e.actor.type, at: e.at, payload: e.payload, subjectId: e.subject.id, subjectType: e.subject.type };
  const body = e.hashVersion === 1 ? v1 : { ...v1, credential: e.credential, hashVersion: 2, id: e.id, seq: e.seq };
  return createHash("sha256").update(e.prevHash + canonical(body)).digest("hex");
}

/** UPDATE and DELETE are refused by triggers; a table owner can switch them off, which is what tampering looks like. */
async function withTriggersOff(prisma: Db, fn: () => Promise<unknown>) {
  await prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
  try {
    await fn();
  } finally {
    await prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
  }
}

/** Every page of a listing, following nextCursor. */
async function allPages(prisma: Db, query: AuditQuery, limit: number) {
  const items: AuditEventView[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listAuditEvents(prisma, { limit, cursor, ...query });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

function auditLogCases(mode: "auto" | "pglite") {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ mode });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("numbers events 1, 2, 3 … and a rolled-back event leaves no gap, even with a writer waiting on it", async () => {
    const prisma = db.prisma;
    const first = await record(prisma, userActor("alice"));
    expect(first.seq).toBe(1n);
    expect(first.prevHash).toBe(GENESIS_HASH);

    // A transaction records an event, then fails; a second writer queues behind it on the chain's lock.
    let releaseFailing!: () => void;
    const failingMayThrow = new Promise<void>((resolve) => (releaseFailing = resolve));
    let failingRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => (failingRecorded = resolve));
    const failing = prisma.$transaction(
      async (tx) => {
        const event = await recordAuditEvent(tx, { actor: userActor("mallory"), action: "model.created", subject: { type: "model", id: "x" } });
        expect(event.seq).toBe(2n);
        failingRecorded();
        await failingMayThrow;
        throw new Error("the state change failed after its event was recorded");
      },
      { timeout: 20_000 },
    );
    await recorded;
    const waiting = record(prisma, userActor("bob"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseFailing();
    await expect(failing).rejects.toThrow(/state change failed/);
    const next = await waiting;
    expect(next.seq).toBe(2n);
    expect(next.prevHash).toBe(first.hash);
    expect(await allSeqs(prisma)).toEqual([1n, 2n]);
    expect(await prisma.auditEvent.count({ where: { actorId: "mallory" } })).toBe(0);
  });

  it("keeps numbering contiguous under many parallel writers, and the chain verifies", async () => {
    const prisma = db.prisma;
    const before = await prisma.auditEvent.count();
    const n = 40;
    const events = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        prisma.$transaction((tx) => recordAuditEvent(tx, { actor: userActor(`writer-${i}`), action: "model.updated", subject: { type: "model", id: `m${i}` } }), {
          maxWait: 30_000,
          timeout: 30_000,
        }),
      ),
    );
    const seqs = events.map((e) => e.seq).sort((a, b) => (a < b ? -1 : 1));
    expect(seqs).toEqual(range(BigInt(before) + 1n, BigInt(before + n)));
    expect(await allSeqs(prisma)).toEqual(range(1n, BigInt(before + n)));
    const verification = await verifyAuditChain(prisma, { pageSize: 7 });
    expect(verification).toMatchObject({ ok: true, events: before + n, legacy: null });
  });

  it("records the credential that acted, in the hash", async () => {
    const prisma = db.prisma;
    const tokenId = randomUUID();
    const byToken = await record(prisma, userActor("carol", { tokenId }));
    const bySession = await record(prisma, userActor("carol", { sessionId: "s-123" }));
    const byBootstrap = await record(prisma, { type: "bootstrap", id: "bootstrap" });
    const bySystem = await record(prisma, { type: "system", id: "worker:w1" });
    expect([byToken, bySession, byBootstrap, bySystem].map((e) => e.credential)).toEqual([`token:${tokenId}`, "session:s-123", "bootstrap", null]);
    expect(byToken.hashVersion).toBe(2);
    // The stored hash is the hash of exactly these columns, credential included.
    expect(auditEventHash(byToken.prevHash, byToken)).toBe(byToken.hash);
    expect(auditEventHash(byToken.prevHash, { ...byToken, credential: "token:someone-else" })).not.toBe(byToken.hash);
  });

  it("detects a changed seq or credential, a legacy-format event appended after current ones, and a gap", async () => {
    const prisma = db.prisma;
    await record(prisma, userActor("dave", { tokenId: "t-1" }));
    const last = await record(prisma, userActor("dave", { tokenId: "t-1" }));
    const intact = await verifyAuditChain(prisma);
    expect(intact.ok).toBe(true);

    const expectBrokenAt = async (seq: bigint, reason: RegExp, verifiedBefore: bigint) => {
      const result = await verifyAuditChain(prisma, { pageSize: 5 });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.brokenAt.seq).toBe(seq.toString());
      expect(result.brokenAt.reason).toMatch(reason);
      expect(result.events).toBe(Number(verifiedBefore));
    };

    await withTriggersOff(prisma, async () => {
      // The last event renumbered: a gap before it.
      await prisma.$executeRaw`UPDATE "AuditEvent" SET "seq" = ${last.seq + 5n} WHERE "seq" = ${last.seq}`;
      await expectBrokenAt(last.seq + 5n, new RegExp(`seq ${last.seq + 5n} follows seq ${last.seq - 1n}: numbering must have no gaps`), last.seq - 1n);
      await prisma.$executeRaw`UPDATE "AuditEvent" SET "seq" = ${last.seq} WHERE "seq" = ${last.seq + 5n}`;
      expect((await verifyAuditChain(prisma)).ok).toBe(true);

      // Another credential put on the event.
      await prisma.$executeRaw`UPDATE "AuditEvent" SET "credential" = 'token:innocent' WHERE "seq" = ${last.seq}`;
      await expectBrokenAt(last.seq, /hash does not match/, last.seq - 1n);
      await prisma.$executeRaw`UPDATE "AuditEvent" SET "credential" = 'token:t-1' WHERE "seq" = ${last.seq}`;
      expect((await verifyAuditChain(prisma)).ok).toBe(true);

      // A legacy-format event (seq and credential unhashed) appended with a valid legacy hash.
      const forged = {
        hashVersion: 1,
        seq: last.seq + 1n,
        id: randomUUID(),
        at: new Date(),
        actorType: "user",
        actorId: "dave",
        credential: null,
        action: "model.created",
        subjectType: "model",
        subjectId: "forged",
        payload: {},
      };
      const hash = auditEventHash(last.hash, forged);
      await prisma.auditEvent.create({ data: { ...forged, prevHash: last.hash, hash } });
      await expectBrokenAt(last.seq + 1n, /legacy-format event follows events in the current format/, last.seq);
      await prisma.$executeRaw`DELETE FROM "AuditEvent" WHERE "seq" = ${last.seq + 1n}`;

      // A current-format event that skips a number, with a correct hash.
      const skipping = { ...forged, hashVersion: 2, seq: last.seq + 2n, credential: "token:t-1" };
      await prisma.auditEvent.create({ data: { ...skipping, prevHash: last.hash, hash: auditEventHash(last.hash, skipping) } });
      await expectBrokenAt(last.seq + 2n, new RegExp(`numbering must have no gaps \\(expected ${last.seq + 1n}\\)`), last.seq);
      await prisma.$executeRaw`DELETE FROM "AuditEvent" WHERE "seq" = ${last.seq + 2n}`;
    });
    expect(await verifyAuditChain(prisma)).toEqual(intact);
  });

  it("lists in chain order by default and newest first on request; cursors page both orders completely", async () => {
    const prisma = db.prisma;
    const all = (await prisma.auditEvent.findMany({ orderBy: { seq: "asc" } })).map((e) => e.seq.toString());
    expect(all.length).toBeGreaterThan(40);

    const asc = await allPages(prisma, {}, 7);
    expect(asc.map((e) => e.seq)).toEqual(all);
    const desc = await allPages(prisma, { order: "desc" }, 7);
    expect(desc.map((e) => e.seq)).toEqual([...all].reverse());
    // An exact multiple of the page size ends without an empty last page.
    const exact = await listAuditEvents(prisma, { limit: all.length, order: "desc" });
    expect(exact.nextCursor).toBeNull();

    const firstDesc = await listAuditEvents(prisma, { limit: 3, order: "desc" });
    const firstAsc = await listAuditEvents(prisma, { limit: 3 });
    const invalidCursor = { kind: "bad_request", code: "invalid_cursor" };
    await expect(listAuditEvents(prisma, { limit: 3, order: "asc", cursor: firstDesc.nextCursor! })).rejects.toMatchObject(invalidCursor);
    await expect(listAuditEvents(prisma, { limit: 3, order: "desc", cursor: firstAsc.nextCursor! })).rejects.toMatchObject(invalidCursor);
    await expect(listAuditEvents(prisma, { limit: 3, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(AppError);
  });

  it("filters by actor (id or email), credential, action, subject and time, in both orders", async () => {
    const prisma = db.prisma;
    const email = `erin-${randomUUID().slice(0, 8)}@example.test`;
    const erin = await prisma.user.create({ data: { email, name: "Erin" } });
    for (let i = 0; i < 5; i++) {
      await record(prisma, userActor(erin.id, { tokenId: i % 2 ? "t-odd" : "t-even" }), i < 3 ? "model.created" : "model.updated", { type: "model", id: `erin-${i % 2}` });
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct times for the range filter
    }
    const everything = (await prisma.auditEvent.findMany({ orderBy: { seq: "asc" } })).map((e) => ({
      seq: e.seq.toString(),
      at: e.at,
      actorId: e.actorId,
      credential: e.credential,
      action: e.action,
      subject: `${e.subjectType}/${e.subjectId}`,
    }));
    const expectFilter = async (query: AuditQuery, keep: (e: (typeof everything)[number]) => boolean) => {
      const expected = everything.filter(keep).map((e) => e.seq);
      expect(expected.length).toBeGreaterThan(0);
      expect((await allPages(prisma, query, 2)).map((e) => e.seq)).toEqual(expected);
      expect((await allPages(prisma, { ...query, order: "desc" }, 2)).map((e) => e.seq)).toEqual([...expected].reverse());
    };

    await expectFilter({ actor: erin.id }, (e) => e.actorId === erin.id);
    await expectFilter({ actor: email.toUpperCase() }, (e) => e.actorId === erin.id);
    await expectFilter({ actor: "worker:w1" }, (e) => e.actorId === "worker:w1");
    await expectFilter({ credential: "token:t-odd" }, (e) => e.credential === "token:t-odd");
    await expectFilter({ action: "model.created", actor: erin.id }, (e) => e.action === "model.created" && e.actorId === erin.id);
    await expectFilter({ subjectType: "model", subjectId: "erin-1" }, (e) => e.subject === "model/erin-1");
    const erins = everything.filter((e) => e.actorId === erin.id);
    const from = erins[1]!.at;
    const to = erins[3]!.at;
    await expectFilter({ actor: erin.id, from: from.toISOString(), to: to.toISOString() }, (e) => e.actorId === erin.id && e.at >= from && e.at < to);
    // A time zone offset names the same instant.
    const offset = new Date(from.getTime() + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    await expectFilter({ actor: erin.id, from: offset }, (e) => e.actorId === erin.id && e.at >= from);
    expect(await listAuditEvents(prisma, { limit: 10, actor: "nobody@example.test" })).toEqual({ items: [], nextCursor: null });

    await expect(listAuditEvents(prisma, { limit: 10, from: to.toISOString(), to: from.toISOString() })).rejects.toMatchObject({
      kind: "bad_request",
      code: "invalid_time_range",
    });
  });
}

describe.runIf(await isPostgresAvailable())("audit log on PostgreSQL", () => auditLogCases("auto"));
describe("audit log on embedded PGlite", () => auditLogCases("pglite"));

describe("the audit query", () => {
  it("defaults to chain order and takes times with a time zone or plain dates", () => {
    expect(auditQuery.parse({})).toEqual({ order: "asc" });
    expect(auditQuery.parse({ order: "desc", from: "2026-12-01", to: "2026-12-02T10:00:00+01:00" })).toMatchObject({ order: "desc" });
    for (const bad of [{ order: "newest" }, { from: "yesterday" }, { from: "2026-12-01T10:00" }, { to: "2026-13-01" }, { actor: "x".repeat(321) }])
      expect(auditQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

// A database that recorded events before gapless numbering: the old code inserted without "seq" (the
// sequence picked it) and hashed the legacy body. Those rows must verify as they are after the upgrade.
function legacyCases(mode: "auto" | "pglite") {
  let db: TestDatabase;
  let oldMigrations: string;
  beforeAll(async () => {
    db = await createTestDatabase({ mode, migrate: false });
    oldMigrations = await fs.mkdtemp(path.join(os.tmpdir(), "registry-old-migrations-"));
    await fs.cp(defaultMigrationsDir, oldMigrations, { recursive: true });
    for (const dir of await fs.readdir(oldMigrations)) if (dir.endsWith(GAPLESS_MIGRATION)) await fs.rm(path.join(oldMigrations, dir), { recursive: true });
    await applyMigrations(db.dbConfig, { migrationsDir: oldMigrations });
  });
  afterAll(async () => {
    await db?.drop();
    if (oldMigrations) await fs.rm(oldMigrations, { recursive: true, force: true });
  });

  async function insertLegacy(prisma: Pick<Db, "$queryRaw">, prevHash: string, action: string) {
    const event = { at: new Date(), actorType: "user", actorId: "legacy-user", action, subjectType: "model", subjectId: "old", payload: { old: true } };
    // seq and id are not part of the legacy hash, and seq is not known before the insert.
    const hash = auditEventHash(prevHash, { ...event, hashVersion: 1, seq: 0n, id: "", credential: null });
    const rows = await prisma.$queryRaw<{ seq: bigint }[]>`
      INSERT INTO "AuditEvent" ("id", "at", "actorType", "actorId", "action", "subjectType", "subjectId", "payload", "prevHash", "hash")
      VALUES (${randomUUID()}::uuid, ${event.at}, ${event.actorType}, ${event.actorId}, ${event.action}, ${event.subjectType},
              ${event.subjectId}, ${JSON.stringify(event.payload)}::jsonb, ${prevHash}, ${hash})
      RETURNING "seq"`;
    return { seq: rows[0]!.seq, hash };
  }

  it("verifies the legacy events as they are, numbers new ones after them without gaps, and explains the old numbering", async () => {
    const prisma = db.prisma;
    const a = await insertLegacy(prisma, GENESIS_HASH, "model.created");
    // A rolled-back transaction burns a sequence number…
    await expect(
      prisma.$transaction(async (tx) => {
        await insertLegacy(tx, a.hash, "model.updated");
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const b = await insertLegacy(prisma, a.hash, "model.updated");
    // …and a restart after a crash resumes the sequence up to 32 values ahead (what was seen: 1 → 34).
    await prisma.$queryRawUnsafe(`SELECT setval('"AuditEvent_seq_seq"', 33)`);
    const c = await insertLegacy(prisma, b.hash, "model.updated");
    expect([a.seq, b.seq, c.seq]).toEqual([1n, 3n, 34n]);
    const storedBefore = await prisma.$queryRaw<{ seq: bigint; hash: string }[]>`SELECT "seq", "hash" FROM "AuditEvent" ORDER BY "seq"`;

    const { applied } = await applyMigrations(db.dbConfig);
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatch(new RegExp(`_${GAPLESS_MIGRATION}$`));
    // History is untouched: same rows, same hashes; they are marked legacy and have no credential.
    const legacyRows = await prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(legacyRows.map((e) => ({ seq: e.seq, hash: e.hash }))).toEqual(storedBefore);
    expect(legacyRows.every((e) => e.hashVersion === 1 && e.credential === null)).toBe(true);
    // The old way of inserting (a number from the sequence) no longer works: there is no sequence.
    await expect(insertLegacy(prisma, c.hash, "model.updated")).rejects.toThrow();

    const d = await record(prisma, userActor("new-user", { tokenId: "t-new" }));
    const e = await record(prisma, { type: "system", id: "worker:w1" });
    expect([d.seq, e.seq]).toEqual([35n, 36n]);
    expect(d.prevHash).toBe(c.hash);

    const result = await verifyAuditChain(prisma, { pageSize: 2 });
    expect(result).toEqual({
      ok: true,
      events: 5,
      head: e.hash,
      legacy: {
        events: 3,
        firstSeq: "1",
        lastSeq: "34",
        lastAt: legacyRows[2]!.at.toISOString(),
        skippedNumbers: 31,
        note: expect.stringContaining("Events up to seq 34"),
      },
    });
    if (result.ok) expect(result.legacy!.note).toMatch(/31 skipped/);

    const listed = await listAuditEvents(prisma, { limit: 10, order: "desc" });
    expect(listed.items.map((i) => [i.seq, i.hashVersion, i.credential])).toEqual([
      ["36", 2, null],
      ["35", 2, "token:t-new"],
      ["34", 1, null],
      ["3", 1, null],
      ["1", 1, null],
    ]);
    // What the API lists is enough to check every hash, both formats, as docs/api.md describes.
    for (const item of listed.items) expect(hashAsDocumented(item), `seq ${item.seq}`).toBe(item.hash);

    // A changed legacy event is still caught (its hash covers what the old format covered).
    await withTriggersOff(prisma, () => prisma.$executeRaw`UPDATE "AuditEvent" SET "subjectId" = 'other' WHERE "seq" = 3`);
    const broken = await verifyAuditChain(prisma);
    expect(broken).toMatchObject({ ok: false, events: 1, brokenAt: { seq: "3", reason: expect.stringMatching(/hash does not match/) } });
  });
}

describe.runIf(await isPostgresAvailable())("upgrading a PostgreSQL database with legacy audit events", () => legacyCases("auto"));
describe("upgrading an embedded PGlite database with legacy audit events", () => legacyCases("pglite"));
