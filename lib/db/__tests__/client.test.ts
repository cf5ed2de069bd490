import { describe, expect, it, vi } from "vitest";
import { closePrisma, getPrisma } from "../client.ts";

describe("getPrisma", () => {
  // Nothing here runs a query, so no database is opened: clients connect on first use.
  it("returns one client per process, even after the module is evaluated again (dev hot reload)", async () => {
    const first = getPrisma();
    expect(getPrisma()).toBe(first);
    vi.resetModules();
    const reloaded = (await import("../client.ts")) as typeof import("../client.ts");
    expect(reloaded.getPrisma()).toBe(first);

    await closePrisma();
    const next = getPrisma();
    expect(next).not.toBe(first);
    await closePrisma();
    await closePrisma(); // closing twice is harmless
  });
});
