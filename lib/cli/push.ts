// `push`: upload an envelope directory as a new version. The manifest is validated and every file
// hashed locally first; the upload is one streamed multipart request, so memory does not grow
// with the artifact and a progress bar can count the bytes as they leave.
import type { VersionView } from "../checks/version-view.ts";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { collectEnvelope, type Envelope } from "./envelope-files.ts";
import { formatBytes } from "../format/bytes.ts";
import { RegistryHttpError, versionPath, type RegistryClient } from "./http-client.ts";
import { createMultipartBody, type MultipartPart } from "./multipart-body.ts";
import { createUploadProgress } from "./progress.ts";

export type PushOptions = {
  client: RegistryClient;
  dir: string;
  model: string;
  /** Defaults to a digest of the model name and the manifest with file digests (see defaultIdempotencyKey). */
  idempotencyKey?: string;
  /** Create the model first; an existing model is fine. */
  createModel?: boolean;
  /** Where progress and notes go (never stdout, which carries the result). */
  log?: NodeJS.WriteStream;
  /** Live bar or plain lines; defaults to a bar when `log` is a terminal. */
  interactive?: boolean;
};

export type PushResult = {
  status: number;
  /** True when the server answered from an earlier identical upload (Idempotency-Key). */
  replayed: boolean;
  version: VersionView;
  /** The API resource (Location header). */
  url: string;
  /** The version's page in the web UI, for people. */
  pageUrl: string;
  idempotencyKey: string;
  envelope: Envelope;
};

export async function pushEnvelope({ client, dir, model, idempotencyKey, createModel, log = process.stderr, interactive }: PushOptions): Promise<PushResult> {
  const envelope = await collectEnvelope({
    dir,
    model,
    // Hashing gigabytes takes seconds: say what is happening rather than sit silent.
    onHashing: (path, size) => (size >= 64 * 1024 * 1024 ? log.write(`hashing ${path} (${formatBytes(size)})\n`) : undefined),
  });
  const key = idempotencyKey ?? defaultIdempotencyKey(model, envelope);
  if (createModel) await ensureModel(client, model, log);

  const manifestJson = JSON.stringify(envelope.manifest);
  const parts: MultipartPart[] = [
    { kind: "field", name: "manifest", value: manifestJson, contentType: "application/json" },
    ...envelope.files.map((f): MultipartPart => ({
      kind: "file",
      name: f.path,
      filename: f.path,
      filePath: f.absolutePath,
      size: f.size,
      contentType: f.mediaType,
    })),
  ];
  const body = createMultipartBody(parts);
  const fileBytes = envelope.files.reduce((sum, f) => sum + f.size, 0);
  log.write(
    `pushing ${model}@${envelope.manifest.version}: ${envelope.files.length} file(s), ${formatBytes(fileBytes)} → ${client.baseUrl}\n`,
  );

  const progress = createUploadProgress({ totalBytes: body.contentLength, stream: log, interactive });
  let response: Response;
  try {
    response = await client.upload("POST", `${versionPath(model)}/versions`, {
      body: body.chunks(progress),
      contentLength: body.contentLength,
      headers: { "content-type": body.contentType, "idempotency-key": key },
    });
  } finally {
    progress.finish();
  }
  const version = (await response.json()) as VersionView;
  const location = response.headers.get("location") ?? `${versionPath(model, version.version)}`;
  return {
    status: response.status,
    replayed: response.headers.get("idempotent-replayed") === "true",
    version,
    url: client.urlFor(location),
    pageUrl: client.urlFor(`/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version.version)}`),
    idempotencyKey: key,
    envelope,
  };
}

/**
 * The same envelope always yields the same key, so a CI job that is retried after a network
 * failure (or re-run by hand) gets the first upload's answer instead of "409 version exists",
 * while an envelope whose bytes changed gets a new key and, correctly, the 409.
 * It hashes exactly what the server hashes for the request (model, canonical manifest with digests).
 */
export function defaultIdempotencyKey(model: string, envelope: Pick<Envelope, "manifest">): string {
  return `push-${sha256Hex(`${model}\n${canonicalJson(envelope.manifest)}`)}`;
}

async function ensureModel(client: RegistryClient, model: string, log: NodeJS.WriteStream) {
  try {
    // Name only: the manifest's description is the version's, not the model's.
    await client.requestJson("POST", "/api/v1/models", { json: { name: model } });
    log.write(`created model ${model}\n`);
  } catch (error) {
    if (error instanceof RegistryHttpError && error.status === 409) return;
    throw error;
  }
}
