// The request line's target (path + query), decoded strictly. Node hands the raw target over as
// the client sent it; every segment and query value is percent-decoded here once, and anything a
// later reader could trip on — invalid percent-encoding, overlong or invalid UTF-8, NUL and other
// control characters — is a 400 before any handler sees it.
import { badRequest } from "../errors/app-error.ts";

export type RequestTarget = {
  /** The raw path, still percent-encoded (for logs and routing prefixes). */
  rawPath: string;
  /** Decoded path segments (the empty segments of a leading/trailing '/' removed). */
  segments: string[];
  /** Decoded query parameters; a repeated name keeps its last value. */
  query: Record<string, string>;
};

// C0 controls and DEL. Decoded values never legitimately contain them in this API.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseRequestTarget(raw: string): RequestTarget {
  const q = raw.indexOf("?");
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQuery = q < 0 ? "" : raw.slice(q + 1);
  if (!rawPath.startsWith("/")) throw badRequest("invalid_path", "the request path must start with '/'");
  const segments = rawPath
    .split("/")
    .filter((s, i, all) => !(s === "" && (i === 0 || i === all.length - 1)))
    .map((s) => decodeComponent(s, "path"));
  const query: Record<string, string> = {};
  if (rawQuery) {
    for (const pair of rawQuery.split("&")) {
      if (!pair) continue;
      const eq = pair.indexOf("=");
      const name = decodeComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, " "), "query");
      const value = eq < 0 ? "" : decodeComponent(pair.slice(eq + 1).replace(/\+/g, " "), "query");
      query[name] = value;
    }
  }
  return { rawPath, segments, query };
}

function decodeComponent(value: string, where: "path" | "query"): string {
  let decoded: string;
  try {
    // decodeURIComponent rejects malformed escapes and invalid UTF-8 (e.g. the overlong %c0%af).
    decoded = decodeURIComponent(value);
  } catch {
    throw badRequest("invalid_encoding", `the request ${where} contains an invalid percent-encoding or invalid UTF-8: '${value.slice(0, 100)}'`);
  }
  if (CONTROL.test(decoded)) throw badRequest("invalid_characters", `the request ${where} contains NUL or control characters`);
  return decoded;
}
