-- CreateEnum
CREATE TYPE "CheckKind" AS ENUM ('validation', 'fairness', 'adversarial', 'security');

-- CreateEnum
CREATE TYPE "CheckRunStatus" AS ENUM ('queued', 'running', 'finished');

-- CreateEnum
CREATE TYPE "CheckVerdict" AS ENUM ('pass', 'fail', 'error', 'not_applicable');

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "policy" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "CheckRun" (
    "id" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "kind" "CheckKind" NOT NULL,
    "checkerVersion" TEXT NOT NULL,
    "inputsDigest" TEXT NOT NULL,
    "status" "CheckRunStatus" NOT NULL DEFAULT 'queued',
    "verdict" "CheckVerdict",
    "summary" TEXT,
    "metrics" JSONB,
    "findings" JSONB,
    "log" TEXT,
    "thresholds" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "requestedById" UUID,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "progress" DOUBLE PRECISION,
    "progressMessage" TEXT,
    "queuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "durationMs" INTEGER,

    CONSTRAINT "CheckRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CheckRun_versionId_kind_queuedAt_idx" ON "CheckRun"("versionId", "kind", "queuedAt");

-- CreateIndex
CREATE INDEX "CheckRun_status_queuedAt_idx" ON "CheckRun"("status", "queuedAt");

-- AddForeignKey
ALTER TABLE "CheckRun" ADD CONSTRAINT "CheckRun_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: a finished check run is history. Its verdict, metrics and findings never change and
-- the row is never deleted; a rerun adds a new row.
CREATE FUNCTION "registry_keep_finished_check_run"() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'finished' THEN
    RAISE EXCEPTION 'check run % is finished; results are history and cannot change', OLD."id"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW."id" <> OLD."id" OR NEW."versionId" <> OLD."versionId" OR NEW."kind" <> OLD."kind"
     OR NEW."checkerVersion" <> OLD."checkerVersion" OR NEW."inputsDigest" <> OLD."inputsDigest"
     OR NEW."thresholds" <> OLD."thresholds" OR NEW."seed" <> OLD."seed" THEN
    RAISE EXCEPTION 'the identity of check run % cannot change', OLD."id"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "CheckRun_finished_immutable" BEFORE UPDATE ON "CheckRun"
  FOR EACH ROW EXECUTE FUNCTION "registry_keep_finished_check_run"();
CREATE TRIGGER "CheckRun_no_delete" BEFORE DELETE ON "CheckRun"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('check runs are history and cannot be deleted');
CREATE TRIGGER "CheckRun_no_truncate" BEFORE TRUNCATE ON "CheckRun"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('check runs are history and cannot be deleted');
