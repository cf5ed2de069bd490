// `token create --direct`: mint the first token of a production instance without any token, from a
// machine that has the registry's own configuration (DATABASE_URL, …). It goes through the same
// service as POST /api/v1/tokens, so the token is audited like any other, with the CLI as a
// bootstrap admin actor. Loaded lazily by main.ts: only this mode needs the database stack.
//
// In the embedded default (PGlite, no DATABASE_URL) the database is a directory that one process
// may open at a time: this works only while the server is stopped.
import type { Actor, Scope } from "../auth/roles.ts";
import { scopes as allScopes } from "../auth/roles.ts";
import { createApiToken } from "../auth/tokens.ts";
import { getConfig, type Config } from "../config/index.ts";
import { closeServices, createServices } from "../server/services.ts";
import { CommandFailure } from "./errors.ts";
import type { CreatedToken } from "./tokens.ts";

export type CreateTokenDirectOptions = { name: string; scopes: Scope[]; expiresAt?: Date; userEmail: string };

const cliActor: Actor = { type: "bootstrap", id: "cli", email: "cli@localhost", role: "admin", scopes: [...allScopes] };

export async function createTokenDirect({ name, scopes, expiresAt, userEmail }: CreateTokenDirectOptions): Promise<CreatedToken> {
  const config = getConfig();
  if (config.database.kind === "pglite") await refuseWhileServerRuns(config);
  const services = await createServices(config, { announce: false });
  try {
    const { token, view } = await createApiToken(services.prisma, { actor: cliActor, name, scopes, expiresAt, userEmail });
    return { ...view, token };
  } finally {
    await closeServices(services);
  }
}

/** PGlite has no lock that a second process would respect: two processes on one directory corrupt
 * it. The best available guard is to look for a registry answering on the configured port. */
async function refuseWhileServerRuns(config: Config): Promise<void> {
  const url = `http://127.0.0.1:${config.port}/api/v1/health`;
  const answered = await fetch(url, { signal: AbortSignal.timeout(1500) }).then(
    (res) => res.status > 0,
    () => false,
  );
  if (answered)
    throw new CommandFailure(
      `a registry answers on port ${config.port}; with the embedded database (PGlite under ${config.dataDir}) --direct only works while the server is stopped`,
      ["stop the server and run this again, or create the token through the API with a token (--token / REGISTRY_TOKEN)"],
    );
}
