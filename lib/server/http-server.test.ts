import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { applyForwardedHeaders } from "./http-server.ts";

function request(headers: Record<string, string>, remoteAddress = "10.0.0.9"): IncomingMessage {
  return { headers: { ...headers }, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("applyForwardedHeaders", () => {
  const spoofed = { host: "registry.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "x-forwarded-for": "1.2.3.4", forwarded: "for=5.6.7.8" };

  it("without a trusted proxy, ignores and replaces whatever the client claims", () => {
    const req = request(spoofed);
    expect(applyForwardedHeaders(req, 0)).toEqual({ origin: "http://registry.example", clientAddress: "10.0.0.9", secure: false });
    expect(req.headers).toMatchObject({ "x-forwarded-host": "registry.example", "x-forwarded-proto": "http", "x-forwarded-for": "10.0.0.9" });
    expect(req.headers.forwarded).toBeUndefined();
  });

  it("behind trusted proxies, believes them, taking the client address the outermost trusted proxy saw", () => {
    expect(applyForwardedHeaders(request(spoofed), 1)).toEqual({ origin: "https://evil.example", clientAddress: "1.2.3.4", secure: true });
    const chained = request({ host: "internal:3000", "x-forwarded-host": "registry.example", "x-forwarded-proto": "https", "x-forwarded-for": "6.6.6.6, 1.2.3.4, 10.0.0.2" });
    // Two proxies: the client's own claim (6.6.6.6) is not believed, the first proxy's entry is.
    expect(applyForwardedHeaders(chained, 2).clientAddress).toBe("1.2.3.4");
    expect(applyForwardedHeaders(request({ host: "h", "x-forwarded-proto": "gopher" }), 1).origin).toBe("http://h");
  });
});
