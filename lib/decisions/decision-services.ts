// What the decisions services need, created once per process by lib/server/services.ts.
import type { Config } from "../config/index.ts";
import type { Db } from "../db/types.ts";
import type { Signer } from "../integrity/signing.ts";
import type { ObjectStore } from "../storage/index.ts";
import { DecisionLedger } from "./decision-ledger.ts";
import { decisionInputKey, type RetentionSetting } from "./input-digest.ts";
import { runOnSession, ServingModels, type ModelRunner } from "./serving-models.ts";

export type DecisionServices = {
  config: Config;
  prisma: Db;
  store: ObjectStore;
  signer: Signer;
  ledger: DecisionLedger;
  servingModels: ServingModels;
  /** How rows are run on a loaded version (the session); tests replace it to make the runtime answer differently. */
  runModel: ModelRunner;
  inputKey: Buffer;
  retention: RetentionSetting;
  /** Report batches in progress in this process, and how many may be (each holds a connection while its body arrives). */
  reportSlots: { inUse: number; max: number };
};

export function createDecisionServices(deps: { config: Config; prisma: Db; store: ObjectStore; signer: Signer }): DecisionServices {
  const { config } = deps;
  return {
    ...deps,
    ledger: new DecisionLedger(deps.prisma, { maxRowsPerWrite: config.decisions.writeMaxRows }),
    servingModels: new ServingModels(deps, { maxModels: config.decisions.maxModels, threads: config.decisions.threads, targetCacheMs: config.decisions.targetCacheMs }),
    runModel: runOnSession,
    inputKey: decisionInputKey(config),
    retention: { mode: config.decisions.retention, redactFields: config.decisions.redactFields },
    reportSlots: { inUse: 0, max: config.database.kind === "postgres" ? Math.max(1, Math.floor(config.database.poolSize / 4)) : 1 },
  };
}
