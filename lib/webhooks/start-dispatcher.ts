// The dispatcher loop: runs wherever a checks worker runs (in the web server in the embedded
// default, in every `npm run worker` process). Several may run against one database: claims skip
// each other's rows (dispatch-deliveries.ts).
import type { Config } from "../config/index.ts";
import { startPollLoop, type PollLoop } from "../db/poll-loop.ts";
import type { Db } from "../db/types.ts";
import { dispatchDueDeliveries, type DispatchOptions } from "./dispatch-deliveries.ts";
import { openSecretBox, type SecretBox } from "./secret-box.ts";

export type WebhookDispatcher = PollLoop;

type Logger = { error(message: string): void };
const consoleLogger: Logger = { error: (m) => console.error(`[webhooks] ${m}`) };

export function startWebhookDispatcher(
  deps: { prisma: Db; config: Pick<Config, "webhooks" | "dataDir">; box?: SecretBox },
  { logger = consoleLogger, ...overrides }: Partial<DispatchOptions> & { pollMs?: number; logger?: Logger } = {},
): WebhookDispatcher {
  const { webhooks } = deps.config;
  const options: DispatchOptions = {
    allowPrivate: webhooks.allowPrivate,
    timeoutMs: webhooks.timeoutMs,
    maxAttempts: webhooks.maxAttempts,
    retryBaseMs: webhooks.retryBaseMs,
    retryMaxMs: webhooks.retryMaxMs,
    ...overrides,
  };
  const pollMs = overrides.pollMs ?? webhooks.pollMs;
  const batchSize = options.batchSize ?? 10;
  const box = deps.box ?? openSecretBox(deps.config);
  return startPollLoop(
    // A full batch means more may be due: keep going before sleeping. Attempts in flight when stopping
    // finish (bounded by the attempt timeout) and record their outcome.
    async () => (await dispatchDueDeliveries({ prisma: deps.prisma, box }, options)) === batchSize,
    { pollMs, onError: (error) => logger.error(`dispatch failed: ${error instanceof Error ? error.message : String(error)}`) },
  );
}

