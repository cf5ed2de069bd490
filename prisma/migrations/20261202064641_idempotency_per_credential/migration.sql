-- Idempotency keys are now scoped per credential (token, session or bootstrap token) instead of per
-- user, and a replay must match the first request's file bytes as well as its manifest. Existing
-- records were computed the old way and cannot be compared with new requests, so they are removed:
-- they only serve retries of recent uploads, and a retry of one of those now gets 409 version_exists.
DELETE FROM "IdempotencyRecord";

-- AlterTable
ALTER TABLE "IdempotencyRecord" DROP CONSTRAINT "IdempotencyRecord_pkey",
DROP COLUMN "actorId",
ADD COLUMN     "credential" TEXT NOT NULL,
ADD COLUMN     "manifestHash" TEXT NOT NULL,
ADD CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("credential", "key");
