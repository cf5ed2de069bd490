// Secrets the embedded default generates for itself (the signing key, the session secret) live in
// files under DATA_DIR/keys. Several processes may start at once on one DATA_DIR, so creation must
// be race-free and nobody may ever read a half-written key.
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The file's contents; when it does not exist yet, `generate()` is written to it first (mode 0600). */
export function readOrCreateKeyFile(file: string, generate: () => string | Buffer): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written in full to a private temp file, then linked into place: link() fails with EEXIST when
    // another process won the race, and then its key is the one everybody reads.
    const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
    writeFileSync(temp, generate(), { mode: 0o600, flag: "wx" });
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temp);
    }
  }
  return readFileSync(file, "utf8");
}
