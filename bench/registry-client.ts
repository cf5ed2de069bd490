// The bench's HTTP client, for the registry (and the store-server.ts reference). Large transfers use node:http directly (not fetch):
// the lowest-overhead client Node has, so what is measured is the server, not the client. Uploads
// are multipart/form-data written on the fly from the payload file — the manifest (with the
// declared sha256, like `model-registry push` sends it) then the file part, streamed from disk with
// an exact Content-Length; nothing is held in memory. Downloads are hashed and discarded.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream/promises";

export const READ_CHUNK_BYTES = 1024 * 1024;

export type Api = {
  baseUrl: string;
  token: string;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
};

export function registryApi(baseUrl: string, token: string): Api {
  return {
    baseUrl,
    token,
    async json(method, path, body) {
      const res = await fetch(baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : {}) as never;
    },
  };
}

export type ArtifactUpload = {
  model: string;
  version: string;
  /** Sends bytes [0, size) of this file as model.bin. */
  file: string;
  size: number;
  sha256: string;
};

export const ARTIFACT_PATH = "model.bin";

/** POST /api/v1/models/{model}/versions; resolves when the registry has answered 201. */
export async function uploadArtifact(api: Api, upload: ArtifactUpload): Promise<void> {
  const boundary = `----registry-bench-${randomBytes(12).toString("hex")}`;
  const manifest = JSON.stringify({
    name: upload.model,
    version: upload.version,
    artifact: { path: ARTIFACT_PATH, format: "other" },
    files: { [ARTIFACT_PATH]: { sha256: upload.sha256, size: upload.size } },
  });
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\nContent-Type: application/json\r\n\r\n${manifest}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="${ARTIFACT_PATH}"; filename="${ARTIFACT_PATH}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(`/api/v1/models/${upload.model}/versions`, api.baseUrl);
  const request = http.request(url, {
    method: "POST",
    agent: false,
    headers: {
      authorization: `Bearer ${api.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(head.length + upload.size + tail.length),
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.once("error", reject);
    });
    request.once("error", reject);
  });
  async function* body() {
    yield head;
    yield* createReadStream(upload.file, { start: 0, end: upload.size - 1, highWaterMark: READ_CHUNK_BYTES });
    yield tail;
  }
  // If the server refuses early, the write side fails; its answer says why, so prefer that.
  const sent = pipeline(body, request).catch((error: unknown) => error);
  const [sendError, answer] = await Promise.all([sent, response.catch((error: unknown) => ({ status: 0, body: String(error) }))]);
  if (answer.status !== 201) throw new Error(`upload of ${upload.model}@${upload.version} → ${answer.status}: ${answer.body.slice(0, 500)}`);
  if (sendError) throw sendError;
}

/** GET a version's file; returns its sha256 and size after the last byte arrived. */
export async function downloadArtifact(api: Api, model: string, version: string): Promise<{ sha256: string; size: number }> {
  const url = new URL(`/api/v1/models/${model}/versions/${version}/files/${ARTIFACT_PATH}`, api.baseUrl);
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { authorization: `Bearer ${api.token}` } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`download ${model}@${version} → ${res.statusCode}`));
          return;
        }
        hashStream(res).then(resolve, reject);
      })
      .once("error", reject);
  });
}

/** The consumer every download benchmark uses (registry and raw): hash every byte, keep none. */
export async function hashStream(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

// ---- the ObjectStore-over-bare-HTTP reference server (store-server.ts) ----

/** PUT the first `size` bytes of `file` as a raw body (no multipart). */
export async function putBlobOverHttp(baseUrl: string, file: string, size: number, sha256: string): Promise<void> {
  const request = http.request(new URL(`/blobs/${sha256}`, baseUrl), {
    method: "PUT",
    agent: false,
    headers: { "content-type": "application/octet-stream", "content-length": String(size) },
  });
  const answer = new Promise<number>((resolve, reject) => {
    request.once("response", (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    request.once("error", reject);
  });
  await pipeline(createReadStream(file, { start: 0, end: size - 1, highWaterMark: READ_CHUNK_BYTES }), request);
  const status = await answer;
  if (status !== 201) throw new Error(`PUT /blobs/${sha256} → ${status}`);
}

export async function getBlobOverHttp(baseUrl: string, sha256: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(`/blobs/${sha256}`, baseUrl), { agent: false }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET /blobs/${sha256} → ${res.statusCode}`));
          return;
        }
        hashStream(res).then(resolve, reject);
      })
      .once("error", reject);
  });
}
