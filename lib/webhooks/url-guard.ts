// The one SSRF guard, used when a webhook is created and again before every delivery attempt. A
// webhook URL is chosen by an admin but fetched by the server, from inside the network: without this
// it could reach the cloud metadata service, the database or an internal admin page. So:
//   - http or https only, no user:password@ in the URL;
//   - the host is resolved here, and every address it resolves to must be a public unicast address
//     (ipaddr.js's "unicast" range: loopback, private, link-local incl. 169.254.169.254, unique-local,
//     unspecified, CGNAT, multicast, broadcast, reserved, documentation, 6to4/Teredo/NAT64 and
//     IPv4-mapped IPv6 forms of any of these are refused), unless WEBHOOK_ALLOW_PRIVATE=true;
//   - the caller connects to the address checked here (lib/webhooks/post.ts pins it through the
//     request's `lookup`), so a DNS answer that changes between the check and the connection (DNS
//     rebinding) cannot redirect the request.
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { unprocessable } from "../errors/app-error.ts";

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to its addresses (the default asks the system resolver, as a connection would). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;
/** Why an address may not be contacted, or null when it may. */
export type AddressPolicy = (address: string) => string | null;

export type CheckedTarget = { url: URL; address: string; family: 4 | 6 };

/** A webhook URL refused; `reason` completes "the URL …", e.g. "resolves to a private address 10.0.0.5". */
export class BlockedUrlError extends Error {
  constructor(readonly reason: string) {
    super(`the URL ${reason}`);
    this.name = "BlockedUrlError";
  }
}

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

const rangeNames: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private address",
  uniqueLocal: "a unique-local (private) address",
  reserved: "a reserved address",
};

/** The default policy: public unicast addresses only; an IPv4-mapped IPv6 address is judged as the IPv4 address it is. */
export const publicAddressesOnly: AddressPolicy = (text) => {
  if (!ipaddr.isValid(text)) return `has an address that is not an IP address (${text})`;
  let address = ipaddr.parse(text);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  const range = address.range();
  if (range === "unicast") return null;
  return `resolves to ${rangeNames[range] ?? `a non-public address (${range})`} ${address.toString()}`;
};

export const anyAddress: AddressPolicy = () => null;

/**
 * Checks a webhook URL and resolves its host once; the caller must connect to the returned address.
 * Throws BlockedUrlError saying why the URL is refused.
 */
export async function checkWebhookUrl(
  raw: string,
  { allowPrivate, resolve = systemResolver, policy = allowPrivate ? anyAddress : publicAddressesOnly }: { allowPrivate: boolean; resolve?: Resolver; policy?: AddressPolicy },
): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError("is not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new BlockedUrlError(`must use http or https, not ${url.protocol.replace(/:$/, "")}`);
  if (url.username || url.password) throw new BlockedUrlError("must not contain a user name or password (put credentials in the path or query, or verify the signature)");
  // WHATWG URL parsing already turned 2130706433, 0x7f.1 and friends into dotted IPv4; IPv6 comes bracketed.
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  let answers: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    answers = [{ address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 }];
  } else {
    try {
      answers = await resolve(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new BlockedUrlError(`has a host that does not resolve (${host}${code ? `: ${code}` : ""})`);
    }
    if (!answers.length) throw new BlockedUrlError(`has a host that does not resolve (${host})`);
  }
  // Every answer must pass, not just one: otherwise a name answering [public, private] could be made
  // to hand out the private one to a later resolution.
  for (const answer of answers) {
    const refused = policy(answer.address);
    if (refused) throw new BlockedUrlError(refused);
  }
  const first = answers[0]!;
  return { url, address: first.address, family: first.family };
}

/** checkWebhookUrl for user input: a refusal is a 422 naming the field and saying why. */
export async function assertWebhookUrlAllowed(raw: string, options: { allowPrivate: boolean; resolve?: Resolver; policy?: AddressPolicy }): Promise<CheckedTarget> {
  try {
    return await checkWebhookUrl(raw, options);
  } catch (error) {
    if (!(error instanceof BlockedUrlError)) throw error;
    const allowHint = options.allowPrivate || !/resolves to/.test(error.reason) ? "" : " (set WEBHOOK_ALLOW_PRIVATE=true to allow non-public addresses)";
    throw unprocessable("webhook_url_blocked", `${error.message}${allowHint}`, [{ path: "url", message: `${error.reason}${allowHint}` }]);
  }
}
