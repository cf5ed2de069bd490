-- CreateEnum
CREATE TYPE "DecisionSource" AS ENUM ('predict', 'reported');

-- CreateTable
CREATE TABLE "Decision" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "modelId" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "manifestDigest" TEXT NOT NULL,
    "source" "DecisionSource" NOT NULL,
    "inputDigest" TEXT NOT NULL,
    "inputRetention" TEXT NOT NULL,
    "input" JSONB,
    "redactedFields" TEXT[],
    "output" JSONB NOT NULL,
    "score" DOUBLE PRECISION,
    "latencyMs" DOUBLE PRECISION,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "credential" TEXT,
    "requestId" TEXT,
    "clientId" TEXT,
    "batchId" UUID,
    "metadata" JSONB,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DecisionReplay" (
    "id" UUID NOT NULL,
    "decisionId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "output" JSONB NOT NULL,
    "score" DOUBLE PRECISION,
    "maxAbsDiff" DOUBLE PRECISION,
    "inputSource" TEXT NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "credential" TEXT,

    CONSTRAINT "DecisionReplay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplayJob" (
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "total" INTEGER,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "differences" JSONB NOT NULL DEFAULT '[]',
    "cursor" UUID,
    "workerId" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "error" TEXT,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "credential" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ReplayJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Decision_modelId_id_idx" ON "Decision"("modelId", "id");

-- CreateIndex
CREATE INDEX "Decision_versionId_id_idx" ON "Decision"("versionId", "id");

-- CreateIndex
CREATE INDEX "Decision_requestId_idx" ON "Decision"("requestId");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_modelId_clientId_key" ON "Decision"("modelId", "clientId");

-- CreateIndex
CREATE INDEX "DecisionReplay_decisionId_at_idx" ON "DecisionReplay"("decisionId", "at");

-- CreateIndex
CREATE INDEX "ReplayJob_createdAt_idx" ON "ReplayJob"("createdAt");

-- CreateIndex
CREATE INDEX "ReplayJob_status_leaseUntil_idx" ON "ReplayJob"("status", "leaseUntil");

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionReplay" ADD CONSTRAINT "DecisionReplay_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The decisions ledger and its replays are history: rows are never changed or removed.
CREATE TRIGGER "Decision_append_only" BEFORE UPDATE OR DELETE ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('the decisions ledger is append-only');
CREATE TRIGGER "Decision_no_truncate" BEFORE TRUNCATE ON "Decision"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('the decisions ledger is append-only');
CREATE TRIGGER "DecisionReplay_append_only" BEFORE UPDATE OR DELETE ON "DecisionReplay"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('decision replays are append-only');
CREATE TRIGGER "DecisionReplay_no_truncate" BEFORE TRUNCATE ON "DecisionReplay"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('decision replays are append-only');
