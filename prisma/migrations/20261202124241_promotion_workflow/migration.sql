-- CreateEnum
CREATE TYPE "PromotionStatus" AS ENUM ('pending_checks', 'awaiting_approval', 'approved', 'promoted', 'rejected', 'cancelled', 'superseded');

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "rolledBackAt" TIMESTAMPTZ(3),
ALTER COLUMN "stage" SET DEFAULT 'dev';

-- CreateTable
CREATE TABLE "PromotionRequest" (
    "id" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "manifestDigest" TEXT NOT NULL,
    "fromStage" "Stage" NOT NULL,
    "toStage" "Stage" NOT NULL,
    "status" "PromotionStatus" NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedById" UUID,
    "requestedByCredential" TEXT,
    "requiredApprovals" INTEGER NOT NULL,
    "gates" JSONB NOT NULL,
    "blockedReason" TEXT,
    "card" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PromotionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Approval" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "credential" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "manifestDigest" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StageEvent" (
    "id" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "fromStage" "Stage",
    "toStage" "Stage",
    "alias" TEXT,
    "requestId" UUID,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "credential" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PromotionRequest_status_createdAt_idx" ON "PromotionRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "PromotionRequest_modelId_toStage_status_idx" ON "PromotionRequest"("modelId", "toStage", "status");

-- CreateIndex
CREATE INDEX "PromotionRequest_versionId_idx" ON "PromotionRequest"("versionId");

-- CreateIndex
CREATE INDEX "PromotionRequest_createdAt_idx" ON "PromotionRequest"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Approval_requestId_userId_key" ON "Approval"("requestId", "userId");

-- CreateIndex
CREATE INDEX "StageEvent_modelId_at_idx" ON "StageEvent"("modelId", "at");

-- CreateIndex
CREATE INDEX "StageEvent_versionId_at_idx" ON "StageEvent"("versionId", "at");

-- AddForeignKey
ALTER TABLE "PromotionRequest" ADD CONSTRAINT "PromotionRequest_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromotionRequest" ADD CONSTRAINT "PromotionRequest_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromotionRequest" ADD CONSTRAINT "PromotionRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PromotionRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageEvent" ADD CONSTRAINT "StageEvent_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageEvent" ADD CONSTRAINT "StageEvent_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written below.

-- Versions uploaded before the workflow existed were in no stage; a version now enters dev on upload.
UPDATE "ModelVersion" SET "stage" = 'dev' WHERE "stage" = 'none';

-- One open request per version and target stage: a second one is a duplicate (409 request_exists).
CREATE UNIQUE INDEX "PromotionRequest_one_open_per_version_stage" ON "PromotionRequest" ("versionId", "toStage")
  WHERE "status" IN ('pending_checks', 'awaiting_approval', 'approved');

-- Decisions and stage history are append-only, like the audit log.
CREATE TRIGGER "Approval_append_only" BEFORE UPDATE OR DELETE ON "Approval"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('approvals are append-only');
CREATE TRIGGER "Approval_no_truncate" BEFORE TRUNCATE ON "Approval"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('approvals are append-only');
CREATE TRIGGER "StageEvent_append_only" BEFORE UPDATE OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('stage history is append-only');
CREATE TRIGGER "StageEvent_no_truncate" BEFORE TRUNCATE ON "StageEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('stage history is append-only');

-- The stage policy's schema grew (promotion settings, waivers): stored policies are stamped with
-- the schema version they follow. Version 1 (thresholds only) is valid version 2 as it stands.
UPDATE "Model" SET "policy" = "policy" || '{"schemaVersion": 2}'::jsonb
  WHERE jsonb_typeof("policy") = 'object' AND NOT ("policy" ? 'schemaVersion');
