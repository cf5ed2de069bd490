// One HTTP POST of a webhook message to an address the SSRF guard checked. The URL's host name stays
// in the Host header and in TLS (SNI and certificate check), but the connection goes to `address`:
// the request's `lookup` answers with it whatever the name resolves to now. Redirects are never
// followed (a 3xx is a failure: following it would bypass the guard). The whole attempt has a time
// limit and at most `maxResponseBytes` of the answer are read.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { CheckedTarget } from "./url-guard.ts";

export type PostOutcome = { statusCode: number | null; latencyMs: number; error: string | null };

export async function postWebhookMessage(
  target: CheckedTarget,
  { headers, body, timeoutMs, maxResponseBytes = 64 * 1024 }: { headers: Record<string, string>; body: string; timeoutMs: number; maxResponseBytes?: number },
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node asks for every address when it may try several (autoSelectFamily): still only this one.
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const payload = Buffer.from(body, "utf8");
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, "latencyMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, latencyMs: elapsed() });
    };
    const client = target.url.protocol === "https:" ? https : http;
    const req = client.request(target.url, {
      method: "POST",
      lookup: pinned,
      // A fresh connection each time: a pooled socket could be one opened to another address.
      agent: false,
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": String(payload.length),
        "user-agent": "model-registry-webhooks/1",
        connection: "close",
      },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => finish({ statusCode: null, error: describeError(error) }));
    req.on("response", (res) => {
      const statusCode = res.statusCode ?? 0;
      let received = 0;
      const done = () => {
        if (statusCode >= 200 && statusCode < 300) finish({ statusCode, error: null });
        else if (statusCode >= 300 && statusCode < 400) {
          const location = res.headers.location;
          finish({ statusCode, error: `redirect${location ? ` to ${location.slice(0, 500)}` : ""} not followed: webhook URLs must answer directly` });
        } else finish({ statusCode, error: `the receiver answered ${statusCode}${res.statusMessage ? ` ${res.statusMessage}` : ""}` });
      };
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        // Enough read: the status is what counts; a receiver streaming forever must not hold us.
        if (received > maxResponseBytes) {
          done();
          res.destroy();
        }
      });
      res.on("end", done);
      res.on("close", done);
      res.on("error", (error) => finish({ statusCode, error: describeError(error) }));
    });
    req.end(payload);
  });
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 1000);
}
