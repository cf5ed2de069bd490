// Child-process entry: the registry's own ObjectStore (lib/storage, same driver, same defaults)
// behind a bare node:http server — no Next.js, no multipart, no database. It is a reference point
// between "raw" and "registry": it pays for one HTTP hop and for the storage layer's hashing and
// verification, but none of the rest. Informational only; the targets are against the raw baselines.
//
//   PUT /blobs/<sha256>   body = the bytes (Content-Length)  → putBlob(body, { expectedSha256 }) → 201
//   GET /blobs/<sha256>                                      → getBlob(sha256) streamed, Content-Length set
//
// Uploads go to a store of their own (WRITE_*): the registry already holds the same bytes, and the
// store would (rightly) skip storing a blob it has. Downloads read the registry's store (READ_*).
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { createObjectStore, type ObjectStore } from "@/lib/storage/index.ts";

function storeFrom(prefix: "READ" | "WRITE"): ObjectStore {
  const env = process.env;
  if (env.S3_ENDPOINT) {
    return createObjectStore({
      kind: "s3",
      endpoint: env.S3_ENDPOINT,
      bucket: env[`${prefix}_BUCKET`]!,
      region: env.S3_REGION ?? "us-east-1",
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: true,
    });
  }
  return createObjectStore({ kind: "filesystem", dir: env[`${prefix}_DIR`]! });
}

const readStore = storeFrom("READ");
const writeStore = storeFrom("WRITE");
await writeStore.ensureReady();

const ROUTE = /^\/blobs\/([0-9a-f]{64})$/;

const server = http.createServer((req, res) => {
  const digest = ROUTE.exec(req.url ?? "")?.[1];
  const fail = (error: unknown) => {
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    else res.destroy(error as Error);
  };
  if (!digest) return void res.writeHead(404).end();
  if (req.method === "PUT") {
    writeStore.putBlob(req, { expectedSha256: digest }).then(
      (put) => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(put)),
      fail,
    );
    return;
  }
  if (req.method === "GET") {
    readStore
      .getBlob(digest)
      .then(async (blob) => {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(blob.contentLength) });
        await pipeline(blob.stream, res);
      })
      .catch(fail);
    return;
  }
  res.writeHead(405).end();
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});

process.once("SIGTERM", () => {
  server.close();
  void Promise.all([readStore.close?.(), writeStore.close?.()]).finally(() => process.exit(0));
});
