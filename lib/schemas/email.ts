// Email addresses as the registry accepts them everywhere: the first admin's (lib/config), users',
// model owners'. A bottom-layer folder so configuration can use it without importing lib/auth.
import { z } from "zod";

/** Deliberately permissive: internal hosts such as admin@localhost are real addresses in self-hosted setups. */
export const emailSchema = z
  .string()
  .max(320)
  .regex(/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/, "must be an email address like name@example.com")
  .transform((email) => email.toLowerCase());
