import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.signingKey, async ({ services }) =>
  json({ keyId: services.signer.keyId, publicKeyPem: services.signer.publicKeyPem }),
);
