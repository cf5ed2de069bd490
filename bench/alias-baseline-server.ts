// Child-process entry: the alias-resolution baseline. A bare node:http server with a `pg` pool
// (the same size as the registry's default DATABASE_POOL_SIZE) that answers
// GET /api/v1/models/{model}/aliases/{alias} with the same JSON as the registry — no framework, no
// ORM. Two variants:
//
//   /api/v1/…          "four statements": what Prisma sent for one resolve while the registry used an
//                      include and a relation filter (captured from Prisma's query log), in order:
//                        1. ApiToken by sha256(token)           (authenticateBearer: findUnique … include user)
//                        2. User by id                          (Prisma fetches the included relation separately)
//                        3. Alias LEFT JOIN Model by names      (resolveAlias: alias.findFirst)
//                        4. ModelVersion by id                  (the selected relation, again separately)
//                      plus the same checks (revoked, expired, disabled user, 'read' scope).
//   /joined/api/v1/…   "joined": the same answer from the two statements the registry now sends
//                      (token⋈user, model⋈alias⋈version; lib/auth/tokens.ts, lib/registry/versions.ts).
//                      This is the like-for-like baseline the target is judged against.
//
// Not done here (and negligible for the numbers): the registry's lastUsedAt write, which happens at
// most once a minute per token; its per-request logger (silent at LOG_LEVEL=warn).
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });

const PARITY_SQL = {
  token:
    'SELECT "public"."ApiToken"."id", "public"."ApiToken"."userId", "public"."ApiToken"."name", "public"."ApiToken"."prefix", ' +
    '"public"."ApiToken"."hash", "public"."ApiToken"."scopes", "public"."ApiToken"."expiresAt", "public"."ApiToken"."lastUsedAt", ' +
    '"public"."ApiToken"."revokedAt", "public"."ApiToken"."createdAt" FROM "public"."ApiToken" ' +
    'WHERE ("public"."ApiToken"."hash" = $1 AND 1=1) LIMIT $2 OFFSET $3',
  user:
    'SELECT "public"."User"."id", "public"."User"."email", "public"."User"."name", "public"."User"."role"::text, ' +
    '"public"."User"."createdAt", "public"."User"."disabledAt" FROM "public"."User" WHERE "public"."User"."id" = $1 OFFSET $2',
  alias:
    'SELECT "public"."Alias"."modelId", "public"."Alias"."name", "public"."Alias"."updatedAt", "public"."Alias"."versionId" ' +
    'FROM "public"."Alias" LEFT JOIN "public"."Model" AS "j0" ON ("j0"."id") = ("public"."Alias"."modelId") ' +
    'WHERE ("public"."Alias"."name" = $1 AND ("j0"."name" = $2 AND ("j0"."id" IS NOT NULL))) LIMIT $3 OFFSET $4',
  version:
    'SELECT "public"."ModelVersion"."id", "public"."ModelVersion"."version", "public"."ModelVersion"."manifestDigest", ' +
    '"public"."ModelVersion"."stage"::text FROM "public"."ModelVersion" WHERE "public"."ModelVersion"."id" IN ($1) OFFSET $2',
};

const JOINED_SQL = {
  actor:
    'SELECT t."scopes", t."revokedAt", t."expiresAt", u."role"::text AS role, u."disabledAt" ' +
    'FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId" WHERE t."hash" = $1',
  alias:
    'SELECT a."name", a."updatedAt", v."version", v."manifestDigest", v."stage"::text AS stage ' +
    'FROM "Model" m JOIN "Alias" a ON a."modelId" = m."id" AND a."name" = $2 ' +
    'JOIN "ModelVersion" v ON v."id" = a."versionId" WHERE m."name" = $1',
};

type Actor = { scopes: string[]; revokedAt: Date | null; expiresAt: Date | null; disabledAt: Date | null };
type Resolved = { name: string; updatedAt: Date; version: string; manifestDigest: string; stage: string };

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const ROUTE = /^(\/joined)?\/api\/v1\/models\/([^/]+)\/aliases\/([^/]+)$/;

async function resolve(joined: boolean, token: string, model: string, alias: string): Promise<Resolved> {
  const hash = createHash("sha256").update(token).digest("hex");
  if (joined) {
    const actor = (await pool.query(JOINED_SQL.actor, [hash])).rows[0] as Actor | undefined;
    checkActor(actor);
    const row = (await pool.query(JOINED_SQL.alias, [model, alias])).rows[0] as Resolved | undefined;
    if (!row) throw new HttpError(404, "alias not found");
    return row;
  }
  const token_ = (await pool.query(PARITY_SQL.token, [hash, 1, 0])).rows[0] as (Actor & { userId: string }) | undefined;
  if (!token_) throw new HttpError(401, "invalid token");
  const user = (await pool.query(PARITY_SQL.user, [token_.userId, 0])).rows[0] as { disabledAt: Date | null };
  checkActor({ ...token_, disabledAt: user.disabledAt });
  const aliasRow = (await pool.query(PARITY_SQL.alias, [alias, model, 1, 0])).rows[0] as
    | { name: string; updatedAt: Date; versionId: string }
    | undefined;
  if (!aliasRow) throw new HttpError(404, "alias not found");
  const version = (await pool.query(PARITY_SQL.version, [aliasRow.versionId, 0])).rows[0] as Resolved;
  return { name: aliasRow.name, updatedAt: aliasRow.updatedAt, version: version.version, manifestDigest: version.manifestDigest, stage: version.stage };
}

function checkActor(actor: Actor | undefined): void {
  if (!actor) throw new HttpError(401, "invalid token");
  if (actor.revokedAt) throw new HttpError(401, "token revoked");
  if (actor.expiresAt && actor.expiresAt.getTime() <= Date.now()) throw new HttpError(401, "token expired");
  if (actor.disabledAt) throw new HttpError(401, "user disabled");
  if (!actor.scopes.includes("read")) throw new HttpError(403, "insufficient scope");
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const route = ROUTE.exec(url.pathname);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "x-request-id": randomUUID() });
    res.end(JSON.stringify(body));
  };
  if (req.method !== "GET" || !route) return send(404, { title: "not found" });
  if (!bearer) return send(401, { title: "missing token" });
  const [, joined, model, alias] = route;
  resolve(Boolean(joined), bearer[1]!, decodeURIComponent(model!), decodeURIComponent(alias!)).then(
    (row) =>
      send(200, {
        model: decodeURIComponent(model!),
        alias: row.name,
        version: row.version,
        manifestDigest: row.manifestDigest,
        stage: row.stage,
        updatedAt: row.updatedAt.toISOString(),
      }),
    (error: unknown) => send(error instanceof HttpError ? error.status : 500, { title: (error as Error).message }),
  );
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});

process.once("SIGTERM", () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
