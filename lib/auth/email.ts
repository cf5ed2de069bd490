import { z } from "zod";

/** Deliberately permissive: internal hosts such as admin@localhost are real addresses in self-hosted setups. */
export const emailSchema = z
  .string()
  .max(320)
  .regex(/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/, "must be an email address like name@example.com")
  .transform((email) => email.toLowerCase());
