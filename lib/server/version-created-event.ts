// The `version.created` webhook event, added to the upload's hook by the composition root: the
// registry does not know about webhooks, and the event is enqueued in the upload's transaction, so
// it exists exactly when the version does.
import type { VersionRegisteredHook } from "../registry/upload-version.ts";
import { enqueueWebhookEvent } from "../webhooks/enqueue.ts";

export function withVersionCreatedEvent(hook: VersionRegisteredHook): VersionRegisteredHook {
  return async (tx, registered) => {
    const afterCommit = await hook(tx, registered);
    const { actor, model, version, manifestDigest } = registered;
    await enqueueWebhookEvent(tx, {
      type: "version.created",
      data: { model, version, manifestDigest, createdBy: { type: actor.type, id: actor.id, email: actor.email } },
    });
    return afterCommit;
  };
}
