// What the webhook management services need besides the database: the configuration (encryption
// key, SSRF flag) and, for tests, a fake resolver for the URL guard.
import type { Config } from "../config/index.ts";
import type { Db } from "../db/types.ts";
import type { Resolver } from "./url-guard.ts";

export type WebhookDeps = { prisma: Db; config: Pick<Config, "webhooks" | "dataDir">; resolve?: Resolver };
