-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'contributor', 'reviewer', 'auditor', 'admin');

-- CreateEnum
CREATE TYPE "VersionStatus" AS ENUM ('registered', 'checking', 'checked', 'failed');

-- CreateEnum
CREATE TYPE "Stage" AS ENUM ('none', 'dev', 'staging', 'prod', 'archived');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "passwordHash" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMPTZ(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[],
    "ownerId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Blob" (
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Blob_pkey" PRIMARY KEY ("digest")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "major" INTEGER NOT NULL,
    "minor" INTEGER NOT NULL,
    "patch" INTEGER NOT NULL,
    "prerelease" TEXT,
    "manifest" JSONB NOT NULL,
    "manifestDigest" TEXT NOT NULL,
    "signature" JSONB,
    "status" "VersionStatus" NOT NULL DEFAULT 'registered',
    "stage" "Stage" NOT NULL DEFAULT 'none',
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[],
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VersionFile" (
    "versionId" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "blobDigest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "role" TEXT NOT NULL,

    CONSTRAINT "VersionFile_pkey" PRIMARY KEY ("versionId","path")
);

-- CreateTable
CREATE TABLE "Alias" (
    "modelId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "versionId" UUID NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Alias_pkey" PRIMARY KEY ("modelId","name")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "actorId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("actorId","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_createdAt_idx" ON "ApiToken"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Model_name_key" ON "Model"("name");

-- CreateIndex
CREATE INDEX "ModelVersion_modelId_createdAt_idx" ON "ModelVersion"("modelId", "createdAt");

-- CreateIndex
CREATE INDEX "ModelVersion_manifestDigest_idx" ON "ModelVersion"("manifestDigest");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_modelId_version_key" ON "ModelVersion"("modelId", "version");

-- CreateIndex
CREATE INDEX "VersionFile_blobDigest_idx" ON "VersionFile"("blobDigest");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_id_key" ON "AuditEvent"("id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_subjectType_subjectId_idx" ON "AuditEvent"("subjectType", "subjectId");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VersionFile" ADD CONSTRAINT "VersionFile_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VersionFile" ADD CONSTRAINT "VersionFile_blobDigest_fkey" FOREIGN KEY ("blobDigest") REFERENCES "Blob"("digest") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alias" ADD CONSTRAINT "Alias_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alias" ADD CONSTRAINT "Alias_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- -----------------------------------------------------------------------------------------------
-- Hand-written below this line: immutability guards. Prisma does not model functions or triggers
-- (and `migrate diff` ignores them), so they live only here.
--
-- What the registry promises cannot be rewritten through the database either: the audit log is
-- append-only; blobs and version files never change; a model version's identity (its number, its
-- manifest and digest, its signature, its model, who uploaded it and when) is fixed once created,
-- while its annotations (status, stage, description, tags) may change. TRUNCATE bypasses row
-- triggers, so it gets a statement-level trigger of its own.
-- -----------------------------------------------------------------------------------------------

-- Rejects the operation that fired the trigger; the message is the trigger's first argument.
CREATE FUNCTION "registry_reject_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0]
    USING DETAIL = format('%s on table "%s" is not allowed', TG_OP, TG_TABLE_NAME);
END;
$$;

-- Lets an UPDATE of "ModelVersion" through only if it leaves every identity column as it was.
CREATE FUNCTION "registry_keep_model_version_identity"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."id", NEW."modelId", NEW."version", NEW."major", NEW."minor", NEW."patch", NEW."prerelease",
      NEW."manifest", NEW."manifestDigest", NEW."signature", NEW."createdById", NEW."createdAt")
     IS DISTINCT FROM
     (OLD."id", OLD."modelId", OLD."version", OLD."major", OLD."minor", OLD."patch", OLD."prerelease",
      OLD."manifest", OLD."manifestDigest", OLD."signature", OLD."createdById", OLD."createdAt")
  THEN
    RAISE EXCEPTION 'model version identity is immutable'
      USING DETAIL = 'Only status, stage, description and tags of a model version may change.';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('audit events are append-only');
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('audit events are append-only');

CREATE TRIGGER "Blob_immutable" BEFORE UPDATE OR DELETE ON "Blob"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('blobs are immutable');
CREATE TRIGGER "Blob_no_truncate" BEFORE TRUNCATE ON "Blob"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('blobs are immutable');

CREATE TRIGGER "VersionFile_immutable" BEFORE UPDATE OR DELETE ON "VersionFile"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('version files are immutable');
CREATE TRIGGER "VersionFile_no_truncate" BEFORE TRUNCATE ON "VersionFile"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('version files are immutable');

CREATE TRIGGER "ModelVersion_identity_immutable" BEFORE UPDATE ON "ModelVersion"
  FOR EACH ROW EXECUTE FUNCTION "registry_keep_model_version_identity"();
CREATE TRIGGER "ModelVersion_no_delete" BEFORE DELETE ON "ModelVersion"
  FOR EACH ROW EXECUTE FUNCTION "registry_reject_change"('model versions cannot be deleted');
CREATE TRIGGER "ModelVersion_no_truncate" BEFORE TRUNCATE ON "ModelVersion"
  FOR EACH STATEMENT EXECUTE FUNCTION "registry_reject_change"('model versions cannot be deleted');
