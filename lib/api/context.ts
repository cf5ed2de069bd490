// What an API handler receives. Kept apart from serve.ts so handlers and the dispatcher do not
// import each other.
import type { IncomingMessage } from "node:http";
import type { Actor } from "../auth/roles.ts";
import type { Logger } from "../observability/logger.ts";
import type { Services } from "../server/services.ts";

/** A header reader over Node's headers (lower-case names; repeated headers joined by ', '). */
export type HeaderBag = { get(name: string): string | null };

export function headerBag(req: IncomingMessage): HeaderBag {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

export type ApiContext<P = unknown, Q = unknown, B = unknown> = {
  params: P;
  query: Q;
  body: B;
  /** Undefined only on public endpoints called without credentials. */
  actor: Actor;
  req: IncomingMessage;
  headers: HeaderBag;
  /** The origin the client addressed (scheme://host), honouring X-Forwarded-* only behind a trusted proxy. */
  origin: string;
  /** The client's address (the proxy's X-Forwarded-For entry when the proxy is trusted). */
  clientAddress: string;
  requestId: string;
  log: Logger;
  services: Services;
};

