// The client type every service receives. The client is created with `omit: { user: { passwordHash: true } }`
// so that password hashes never leave the database unless a caller opts in explicitly.
import type { PrismaClient } from "./generated/client.ts";
import type * as runtime from "@prisma/client/runtime/client";

export type OmitConfig = { user: { passwordHash: true } };
export type Db = PrismaClient<never, OmitConfig>;
/** A client inside an interactive transaction (or the client itself: a service that only needs one statement). */
export type Tx = Omit<Db, runtime.ITXClientDenyList>;
export { Prisma } from "./generated/client.ts";
