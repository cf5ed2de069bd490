// Child-process entry: the predict baseline. A bare node:http server that does what the issue's
// baseline says — runs the same onnxruntime session on the request's row and INSERTs one decision row
// per request into the same Decision table (autocommit, so each request waits for its own commit) —
// with a `pg` pool of the registry's default size. No auth, no schema validation, no HMAC, no framework.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import * as ort from "onnxruntime-node";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const session = await ort.InferenceSession.create(readFileSync(process.env.MODEL_PATH!), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" });
const { MODEL_ID, VERSION_ID, MANIFEST_DIGEST } = process.env as Record<string, string>;

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  try {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const { rows } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { rows: { score_a: number; score_b: number }[] };
    const row = rows[0]!;
    const started = performance.now();
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([row.score_a, row.score_b]), [1, 2]) });
    const probabilities = Array.from(out.probabilities!.data as Float32Array);
    const label = Number((out.label!.data as BigInt64Array)[0]);
    const latencyMs = performance.now() - started;
    const at = new Date();
    const id = uuidv7({ msecs: at.getTime() });
    await pool.query(
      `INSERT INTO "Decision" ("id", "at", "modelId", "versionId", "manifestDigest", "source", "inputDigest", "inputRetention", "input", "output", "score", "latencyMs", "actorType", "actorId")
       VALUES ($1, $2, $3, $4, $5, 'predict', $6, 'full', $7, $8, $9, $10, 'user', 'baseline')`,
      [id, at, MODEL_ID, VERSION_ID, MANIFEST_DIGEST, randomUUID(), JSON.stringify(row), JSON.stringify({ label, probabilities }), probabilities[1], latencyMs],
    );
    const body = JSON.stringify({ decisions: [{ id, output: { label, probabilities }, score: probabilities[1] }] });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
}

const server = http.createServer((req, res) => void handle(req, res));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
});
process.on("SIGTERM", () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
