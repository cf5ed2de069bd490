// A real HTTP receiver for webhook tests, on a loopback address: records every request and answers
// with whatever the test's responder says.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string; at: number };
export type Responder = (req: Received, res: http.ServerResponse) => void;

export type Receiver = { url: string; port: number; received: Received[]; respond: Responder; close(): Promise<void> };

export async function startReceiver({ host = "127.0.0.1", port = 0, respond = (_req, res) => res.end("ok") }: { host?: string; port?: number; respond?: Responder } = {}): Promise<Receiver> {
  const receiver = { received: [] as Received[], respond } as Receiver;
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      receiver.received.push(entry);
      receiver.respond(entry, res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  receiver.port = address.port;
  receiver.url = `http://${host}:${address.port}`;
  receiver.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
