// The registry process: services first (migrations, storage, first admin, the in-process checks
// worker), then Next for the pages, then one HTTP server for both (lib/server/http-server.ts).
// `npm start` runs this on the production build, `npm run dev` with `--dev`, and the tests start
// it as a child process.
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { createApiDispatcher } from "../api/serve.ts";
import { parseSsoSettings, ssoProviders } from "../auth/sso/settings.ts";
import { releaseUnmappedRoles } from "../auth/sso/sign-in.ts";
import { ConfigError, parseConfigOrExit, type Config } from "../config/index.ts";
import { log } from "../observability/logger.ts";
import { closeServices, getServices } from "./services.ts";
import { createRegistryServer } from "./http-server.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type RunningRegistry = { url: string; close(): Promise<void> };

export async function runRegistry(config: Config, { dev = false }: { dev?: boolean } = {}): Promise<RunningRegistry> {
  // Created before Next: pages and server actions reach the same instances through getServices()
  // (kept on globalThis), so there is one database pool (one PGlite open) whatever copies of lib/
  // Next's bundler makes.
  const services = await getServices();
  const app = next({ dev, dir: root, hostname: config.hostname, port: config.port });
  await app.prepare();
  const server = createRegistryServer({
    config,
    api: createApiDispatcher(services, log),
    pages: app.getRequestHandler(),
    upgrade: dev ? app.getUpgradeHandler() : undefined,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.hostname, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.hostname === "0.0.0.0" ? "localhost" : config.hostname}:${config.port}`,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Connections still busy after 10 s (a long download) are cut.
          setTimeout(() => server.closeAllConnections(), 10_000).unref();
        });
        await app.close();
        await closeServices(services);
      })()),
  };
}

/** Runs until SIGINT/SIGTERM, then closes connections, Next, the worker and the database. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const config = parseConfigOrExit();
  try {
    // Role mappings and domain lists are checked now, not at someone's first sign-in.
    const sso = ssoProviders(parseSsoSettings(config.sso));
    if (sso.length) log.info("single sign-on", { providers: sso.map((p) => p.id) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const registry = await runRegistry(config, { dev: argv.includes("--dev") });
  const ready = await getServices();
  await releaseUnmappedRoles(ready.prisma, parseSsoSettings(config.sso));
  console.log(
    `Registry ready on ${config.publicUrl ?? registry.url} (database: ${ready.config.database.kind}, storage: ${ready.config.storage.kind})`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      registry
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          console.error(error);
          process.exit(1);
        });
    });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
