// Commands that work on the registry's own database and storage (configured from the environment
// like the server: DATABASE_URL, S3_*, DATA_DIR) instead of over HTTP: bootstrapping the first
// token, and garbage collection. Loaded lazily by commands.ts: only these need the database stack.
import type { Actor, Scope } from "../auth/roles.ts";
import { scopes as allScopes } from "../auth/roles.ts";
import { createApiToken } from "../auth/tokens.ts";
import { getConfig } from "../config/index.ts";
import { EmbeddedDatabaseBusyError } from "../db/pglite.ts";
import { collectGarbage, type GarbageReport } from "../registry/collect-garbage.ts";
import { closeServices, createServices, type Services } from "../server/services.ts";
import { CommandFailure } from "./errors.ts";
import type { CreatedToken } from "./tokens.ts";

const cliActor: Actor = { type: "bootstrap", id: "cli", email: "cli@localhost", role: "admin", scopes: [...allScopes] };

async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = getConfig();
  let services: Services;
  try {
    services = await createServices(config, { announce: false, worker: false });
  } catch (error) {
    // In the embedded default the database is a directory only one process may open.
    if (error instanceof EmbeddedDatabaseBusyError)
      throw new CommandFailure(error.message, [
        "stop the server and run this again, or (for tokens) create one through the API with --token / REGISTRY_TOKEN",
      ]);
    throw error;
  }
  try {
    return await fn(services);
  } finally {
    await closeServices(services);
  }
}

export type CreateTokenDirectOptions = { name: string; scopes: Scope[]; expiresAt?: Date; userEmail: string };

/** `token create --direct`: the first token of an instance, audited like any other with the CLI as actor. */
export async function createTokenDirect({ name, scopes, expiresAt, userEmail }: CreateTokenDirectOptions): Promise<CreatedToken> {
  return withServices(async ({ prisma }) => {
    const { token, view } = await createApiToken(prisma, { actor: cliActor, name, scopes, expiresAt, userEmail });
    return { ...view, token };
  });
}

/** `gc`: remove stored bytes that no version references and that are older than the grace period. */
export async function collectGarbageDirect({ graceMs, dryRun }: { graceMs: number; dryRun: boolean }): Promise<GarbageReport> {
  return withServices((services) => collectGarbage(services, { graceMs, dryRun }));
}
