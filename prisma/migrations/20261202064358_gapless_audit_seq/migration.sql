-- Audit events are numbered without gaps and name the credential that acted.
--
-- Until now "seq" came from a BIGSERIAL sequence, which hands out numbers outside transactions: a
-- rolled-back transaction burns its number, and Postgres logs sequences 32 values ahead, so a crash
-- or an embedded database that was not shut down cleanly skips up to 32 (1 → 34 was seen). From here
-- on the application assigns "seq" as the last seq + 1 while it holds the chain's advisory lock, in the
-- same transaction as the event, so a rollback takes its number with it.
--
-- Existing rows are history and stay exactly as they are (the table is append-only): they get
-- "hashVersion" 1, which tells verifiers to hash them the old way, and "credential" NULL. ADD COLUMN
-- with a constant default fills existing rows without an UPDATE, so the append-only trigger is not
-- involved. The default is dropped right after, so every new row must say which format it uses.

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "credential" TEXT,
ADD COLUMN     "hashVersion" INTEGER NOT NULL DEFAULT 1,
ALTER COLUMN "seq" DROP DEFAULT;
ALTER TABLE "AuditEvent" ALTER COLUMN "hashVersion" DROP DEFAULT;
-- No default at all for "seq": an instance still running the old code (during a rolling upgrade)
-- fails to insert instead of taking a number from the sequence that could collide with ours.
DROP SEQUENCE "AuditEvent_seq_seq";

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_seq_idx" ON "AuditEvent"("actorId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_action_seq_idx" ON "AuditEvent"("action", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_credential_seq_idx" ON "AuditEvent"("credential", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- -----------------------------------------------------------------------------------------------
-- Hand-written below this line (Prisma does not model triggers).
--
-- The database itself refuses an event that does not continue the chain: its seq must be the last
-- seq + 1 (1 for the first event), its prevHash the last event's hash (64 zeros for the first), and
-- its format not the legacy one. The application already does all of this under its advisory lock;
-- the trigger makes it hold for any other writer too. Two writers that skip the lock and read the
-- same last event both pass the trigger, but only one of them gets the primary key "seq".
-- -----------------------------------------------------------------------------------------------

CREATE FUNCTION "registry_audit_event_continues_chain"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  IF NEW."hashVersion" < 2 THEN
    RAISE EXCEPTION 'audit events must use the current hash format'
      USING DETAIL = format('hashVersion %s is the legacy format of events recorded before gapless numbering', NEW."hashVersion");
  END IF;
  SELECT "seq", "hash" INTO last_seq, last_hash FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1;
  IF NEW."seq" IS DISTINCT FROM COALESCE(last_seq, 0) + 1 THEN
    RAISE EXCEPTION 'audit events are numbered without gaps'
      USING DETAIL = format('seq %s given; the next event''s seq is %s', NEW."seq", COALESCE(last_seq, 0) + 1);
  END IF;
  IF NEW."prevHash" IS DISTINCT FROM COALESCE(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'audit events must chain to the last event'
      USING DETAIL = format('prevHash %s does not match the hash of event %s', NEW."prevHash", COALESCE(last_seq::text, '(none: the chain is empty)'));
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "AuditEvent_continues_chain" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "registry_audit_event_continues_chain"();
