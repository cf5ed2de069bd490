// Test cases shared by the Postgres and the PGlite suites: the same guarantees must hold in both modes.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { recordAuditEvent } from "../../audit/record-event.ts";
import { Prisma, type Db, type Tx } from "../types.ts";

/** Registers the immutability-trigger tests. `db()` is the migrated database under test. */
export function immutabilityCases(db: () => Db): void {
  async function seed() {
    const prisma = db();
    const user = await prisma.user.create({ data: { email: `${randomUUID()}@example.test`, name: "Uploader" } });
    const model = await prisma.model.create({ data: { name: `m-${randomUUID()}`, ownerId: user.id } });
    const digest = `sha256:${randomUUID()}`;
    await prisma.blob.create({ data: { digest, size: 3n, mediaType: "application/octet-stream" } });
    const version = await prisma.modelVersion.create({
      data: {
        modelId: model.id,
        version: "1.0.0-rc.1",
        major: 1,
        minor: 0,
        patch: 0,
        prerelease: "rc.1",
        manifest: { name: model.name, version: "1.0.0-rc.1" },
        manifestDigest: `sha256:${randomUUID()}`,
        signature: { payloadType: "application/vnd.in-toto+json", signatures: [] },
        createdById: user.id,
        files: { create: { path: "model.onnx", blobDigest: digest, size: 3n, mediaType: "application/onnx", role: "artifact" } },
      },
    });
    return { user, model, digest, version };
  }

  async function insertAuditEvent(): Promise<bigint> {
    // The way the app appends (numbered and chained: a trigger refuses anything else).
    const event = await db().$transaction((tx) =>
      recordAuditEvent(tx, { actor: { type: "user", id: "u1" }, action: "model.create", subject: { type: "model", id: "m1" }, payload: { a: 1 } }),
    );
    return event.seq;
  }

  it("audit events can be inserted but not updated, deleted or truncated", async () => {
    const seq = await insertAuditEvent();
    const prisma = db();
    await expect(prisma.$executeRaw`UPDATE "AuditEvent" SET "action" = 'forged' WHERE "seq" = ${seq}`).rejects.toThrow(
      /audit events are append-only/,
    );
    await expect(prisma.$executeRaw`DELETE FROM "AuditEvent" WHERE "seq" = ${seq}`).rejects.toThrow(
      /audit events are append-only/,
    );
    await expect(prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/audit events are append-only/);
    // Through the ORM too, not only raw SQL.
    await expect(prisma.auditEvent.update({ where: { seq }, data: { action: "forged" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    const row = await prisma.auditEvent.findUniqueOrThrow({ where: { seq } });
    expect(row.action).toBe("model.create");
  });

  it("audit events can only be appended as the next number, chained to the last event, in the current format", async () => {
    const seq = await insertAuditEvent();
    const prisma = db();
    const last = await prisma.auditEvent.findUniqueOrThrow({ where: { seq } });
    const insert = (tx: Tx, at: bigint, prevHash: string, hashVersion: number) => tx.$executeRaw`
      INSERT INTO "AuditEvent" ("seq", "id", "at", "actorType", "actorId", "action", "subjectType", "subjectId",
                                "payload", "prevHash", "hash", "hashVersion")
      VALUES (${at}, ${randomUUID()}::uuid, now(), 'user', 'u1', 'model.create', 'model', 'm1',
              '{}'::jsonb, ${prevHash}, ${randomUUID()}, ${hashVersion})`;
    await expect(insert(prisma, seq + 2n, last.hash, 2)).rejects.toThrow(/numbered without gaps/);
    await expect(insert(prisma, seq, last.hash, 2)).rejects.toThrow(/numbered without gaps/);
    await expect(insert(prisma, seq + 1n, "0".repeat(64), 2)).rejects.toThrow(/must chain to the last event/);
    await expect(insert(prisma, seq + 1n, last.hash, 1)).rejects.toThrow(/current hash format/);
    // The same statement with the next seq and the last hash goes through (rolled back: its hash is made up).
    await expect(
      prisma.$transaction(async (tx) => {
        expect(await insert(tx, seq + 1n, last.hash, 2)).toBe(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await prisma.auditEvent.count({ where: { seq: { gt: seq } } })).toBe(0);
  });

  it("blobs and version files cannot be updated or deleted", async () => {
    const { digest, version } = await seed();
    const prisma = db();
    await expect(prisma.$executeRaw`UPDATE "Blob" SET "size" = 4 WHERE "digest" = ${digest}`).rejects.toThrow(
      /blobs are immutable/,
    );
    await expect(prisma.$executeRaw`DELETE FROM "Blob" WHERE "digest" = ${digest}`).rejects.toThrow(
      /blobs are immutable/,
    );
    await expect(
      prisma.versionFile.update({
        where: { versionId_path: { versionId: version.id, path: "model.onnx" } },
        data: { blobDigest: digest, mediaType: "text/plain" },
      }),
    ).rejects.toThrow(/version files are immutable/);
    await expect(prisma.versionFile.deleteMany({ where: { versionId: version.id } })).rejects.toThrow(
      /version files are immutable/,
    );
    await expect(prisma.$executeRawUnsafe(`TRUNCATE "VersionFile"`)).rejects.toThrow(/version files are immutable/);
    expect(await prisma.versionFile.count({ where: { versionId: version.id } })).toBe(1);
  });

  it("a model version's annotations change but its identity does not", async () => {
    const { version, model } = await seed();
    const prisma = db();
    const annotated = await prisma.modelVersion.update({
      where: { id: version.id },
      data: { status: "checked", stage: "staging", description: "reviewed", tags: ["fair"] },
    });
    expect(annotated).toMatchObject({ status: "checked", stage: "staging", description: "reviewed", tags: ["fair"] });
    // Re-writing an identity column with its current value is not a change.
    await prisma.modelVersion.update({ where: { id: version.id }, data: { manifest: version.manifest as Prisma.InputJsonValue } });

    const other = await prisma.model.create({ data: { name: `other-${randomUUID()}` } });
    const changes: Record<string, object> = {
      version: { version: "1.0.1" },
      major: { major: 2 },
      minor: { minor: 1 },
      patch: { patch: 1 },
      prerelease: { prerelease: null },
      manifest: { manifest: { name: model.name, version: "9.9.9" } },
      manifestDigest: { manifestDigest: "sha256:forged" },
      signature: { signature: { forged: true } },
      modelId: { modelId: other.id },
      createdById: { createdById: null },
    };
    for (const [column, data] of Object.entries(changes)) {
      await expect(
        prisma.modelVersion.update({ where: { id: version.id }, data }),
        `updating ${column}`,
      ).rejects.toThrow(/model version identity is immutable/);
    }
    await expect(prisma.modelVersion.delete({ where: { id: version.id } })).rejects.toThrow(
      /model versions cannot be deleted/,
    );
    const stored = await prisma.modelVersion.findUniqueOrThrow({ where: { id: version.id } });
    expect(stored).toMatchObject({ version: "1.0.0-rc.1", manifestDigest: version.manifestDigest, stage: "staging" });
  });
}

/** Registers the password-hash omission tests. */
export function omitCases(db: () => Db): void {
  it("never returns passwordHash unless a query asks for it", async () => {
    const prisma = db();
    const email = `${randomUUID()}@example.test`;
    const created = await prisma.user.create({ data: { email, name: "A", passwordHash: "scrypt$secret" } });
    expect(created).not.toHaveProperty("passwordHash");

    const found = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(found).not.toHaveProperty("passwordHash");
    expect(found.email).toBe(email);
    const listed = await prisma.user.findMany({ where: { email } });
    expect(listed[0]).not.toHaveProperty("passwordHash");
    // Nor through a relation.
    const model = await prisma.model.create({ data: { name: `m-${randomUUID()}`, ownerId: created.id }, include: { owner: true } });
    expect(model.owner).not.toHaveProperty("passwordHash");

    const withHash = await prisma.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(withHash.passwordHash).toBe("scrypt$secret");
  });
}
