// What an API handler receives. Kept apart from serve.ts so handlers and the dispatcher do not
// import each other.
import type { IncomingMessage } from "node:http";
import type { Actor } from "../auth/roles.ts";
import type { CheckQueue } from "../checks/queue.ts";
import type { CheckWorker } from "../checks/worker.ts";
import type { ChecksChangedHook } from "../checks/record-check-result.ts";
import type { Config } from "../config/index.ts";
import type { DecisionServices } from "../decisions/decision-services.ts";
import type { Logger } from "../observability/logger.ts";
import type { UploadDeps } from "../registry/upload-version.ts";

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

/**
 * The process-wide services the API uses. lib/server/services.ts (the composition root, a layer
 * above) creates them and its Services satisfies this type; declaring it here keeps lib/api from
 * importing the layer that wires it.
 */
export type ApiServices = UploadDeps & {
  config: Config;
  /** Reruns send their check jobs through it; /health asks it. */
  checkQueue: CheckQueue;
  /** Present when this process runs a checks worker (reported by /health). */
  checkWorker?: CheckWorker;
  /** Reruns re-evaluate the version's open promotion requests through it. */
  onChecksChanged: ChecksChangedHook;
  /** Predict, the decisions ledger's writer, the loaded models, replay. */
  decisions: DecisionServices;
};

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
  services: ApiServices;
};

