// A small HTTP client for the registry's REST API v1 (fetch, plus node:http for uploads). Every
// non-2xx answer becomes a RegistryHttpError carrying the RFC 9457 problem (detail, code, errors[]),
// so commands never parse error bodies themselves and main.ts can print the server's own words
// instead of a stack trace.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CommandFailure, UsageError } from "./errors.ts";

export type FieldProblem = { path: string; message: string };

export type Problem = {
  status: number;
  title?: string;
  detail: string;
  code?: string;
  errors?: FieldProblem[];
  requestId?: string;
};

export class RegistryHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly problem: Problem,
  ) {
    super(`${method} ${url} → ${problem.status}: ${problem.detail}`);
    this.name = "RegistryHttpError";
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

export type RegistryClientOptions = { url: string; token?: string };

export type RequestOptions = {
  /** A JSON body (sets content-type) … */
  json?: unknown;
  /** … or a small raw body (large streamed bodies go through upload()). */
  body?: string;
  headers?: Record<string, string>;
  /** Endpoints that work without a token (health, signing key) skip the token check. */
  anonymous?: boolean;
  signal?: AbortSignal;
};

export type RegistryClient = {
  baseUrl: string;
  hasToken: boolean;
  /** Absolute URL of an API path (keeps a base path such as https://host/registry). */
  urlFor(path: string): string;
  /** The raw response of a successful (2xx/3xx) request; throws RegistryHttpError otherwise. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** request() + JSON body. */
  requestJson<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** A large streamed request body (uploads, decision reports); see uploadStream. */
  upload(method: string, path: string, options: UploadOptions): Promise<Response>;
};

export type UploadOptions = {
  body: AsyncIterable<Buffer>;
  /** The exact length when known (an envelope); without it the body is sent chunked (a pipe of unknown length). */
  contentLength?: number;
  headers?: Record<string, string>;
};

export function createRegistryClient({ url, token }: RegistryClientOptions): RegistryClient {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`--url '${url}' is not a valid URL`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new UsageError(`--url must be http:// or https://, got '${url}'`);
  const baseUrl = base.href.replace(/\/+$/, "");
  const urlFor = (path: string) => baseUrl + (path.startsWith("/") ? path : `/${path}`);

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    if (!token && !options.anonymous)
      throw new UsageError("this command needs an API token: pass --token or set REGISTRY_TOKEN");
    const target = urlFor(path);
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    }
    let response: Response;
    try {
      response = await fetch(target, { method, headers, body, signal: options.signal });
    } catch (error) {
      throw new CommandFailure(`cannot reach the registry at ${baseUrl}: ${networkReason(error)}`);
    }
    if (response.status >= 400) throw new RegistryHttpError(method, target, await readProblem(response));
    return response;
  }

  async function requestJson<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    const response = await request(method, path, options);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CommandFailure(`${method} ${urlFor(path)} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  async function upload(method: string, path: string, options: UploadOptions): Promise<Response> {
    if (!token) throw new UsageError("this command needs an API token: pass --token or set REGISTRY_TOKEN");
    const target = urlFor(path);
    const headers: Record<string, string> = {
      accept: "application/json",
      ...options.headers,
      ...(options.contentLength !== undefined ? { "content-length": String(options.contentLength) } : {}),
      authorization: `Bearer ${token}`,
    };
    let response: Response;
    try {
      response = await uploadStream(target, method, headers, options.body);
    } catch (error) {
      throw new CommandFailure(`the upload to ${baseUrl} failed: ${networkReason(error)}`);
    }
    if (response.status >= 400) throw new RegistryHttpError(method, target, await readProblem(response));
    return response;
  }

  return { baseUrl, hasToken: Boolean(token), urlFor, request, requestJson, upload };
}

/**
 * node:http rather than fetch for the requests whose body can be gigabytes: Node's fetch keeps
 * the bytes of a streamed request body in memory until the request ends (nodejs/undici#4058), so an
 * upload's memory would grow with the artifact. Here the body is piped into the socket with
 * backpressure (chunked when no Content-Length is given). The server may answer before the body is complete (a replay or a 409 is decided
 * from the manifest part alone, a decision report is refused at its first bad line): then the answer
 * is read and the rest of the upload is abandoned.
 */
function uploadStream(url: string, method: string, headers: Record<string, string>, body: AsyncIterable<Buffer>): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const request = (url.startsWith("https:") ? httpsRequest : httpRequest)(url, { method, headers });
    let bodySent = false;
    let answered = false;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    // A server that answers early may close the connection while we are still writing; the
    // resulting EPIPE/ECONNRESET can overtake its answer, so give the answer a moment to arrive.
    const failSoon = (error: Error) => {
      if (!answered) setTimeout(() => (answered ? undefined : fail(error)), 500).unref();
    };
    request.on("error", failSoon);
    request.on("response", (incoming: IncomingMessage) => {
      answered = true;
      readAll(incoming).then(
        (text) => {
          settled = true;
          // An early answer: stop reading files and sending bytes nobody will look at.
          if (!bodySent) request.destroy();
          resolve(new Response(nullBodyStatus(incoming.statusCode!) ? null : text, { status: incoming.statusCode!, headers: toHeaders(incoming) }));
        },
        fail,
      );
    });
    pipeline(Readable.from(body, { objectMode: false }), request).then(() => (bodySent = true), failSoon);
  });
}

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304;
}

function toHeaders(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** The problem+json body of an error response; anything else (a proxy's HTML page) becomes a detail line. */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  const fallback: Problem = {
    status: response.status,
    detail: `HTTP ${response.status} ${response.statusText}${text ? `: ${text.replace(/\s+/g, " ").trim().slice(0, 300)}` : ""}`,
  };
  if (!/json/i.test(response.headers.get("content-type") ?? "")) return fallback;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const errors = Array.isArray(body.errors)
      ? body.errors.filter((e): e is FieldProblem => typeof e?.path === "string" && typeof e?.message === "string")
      : undefined;
    return {
      status: typeof body.status === "number" ? body.status : response.status,
      title: typeof body.title === "string" ? body.title : undefined,
      detail: typeof body.detail === "string" ? body.detail : fallback.detail,
      code: typeof body.code === "string" ? body.code : undefined,
      errors: errors?.length ? errors : undefined,
      requestId: typeof body.requestId === "string" ? body.requestId : (response.headers.get("x-request-id") ?? undefined),
    };
  } catch {
    return fallback;
  }
}

/** "fetch failed" says nothing; the cause (ECONNREFUSED, ENOTFOUND, certificate errors) does. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && cause.message) return `${cause.code} (${cause.message})`;
  return cause?.message ?? (error as Error).message;
}

/** `/api/v1/models/{name}/versions/{version}/files/{path}` with each segment encoded; a file path keeps its '/'. */
export function versionPath(model: string, version?: string, filePath?: string): string {
  let path = `/api/v1/models/${encodeURIComponent(model)}`;
  if (version !== undefined) path += `/versions/${encodeURIComponent(version)}`;
  if (filePath !== undefined) path += `/files/${filePath.split("/").map(encodeURIComponent).join("/")}`;
  return path;
}
