// The SSRF guard on its own: which URLs and addresses it refuses and why, with a fake resolver (no
// DNS), and with the real resolver for loopback names.
import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { assertWebhookUrlAllowed, BlockedUrlError, checkWebhookUrl, publicAddressesOnly, type Resolver } from "./url-guard.ts";

const answering = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
const refused = async (url: string, resolve: Resolver = answering("93.184.216.34")) => {
  const error = await checkWebhookUrl(url, { allowPrivate: false, resolve }).catch((e: unknown) => e);
  expect(error, url).toBeInstanceOf(BlockedUrlError);
  return (error as BlockedUrlError).reason;
};

describe("webhook URL guard", () => {
  it("accepts a public https URL and returns the address it checked", async () => {
    const target = await checkWebhookUrl("https://hooks.example.com/registry?x=1", { allowPrivate: false, resolve: answering("93.184.216.34") });
    expect(target).toMatchObject({ address: "93.184.216.34", family: 4 });
    expect(target.url.hostname).toBe("hooks.example.com");
  });

  it.each([
    ["10.0.0.5", "a private address 10.0.0.5"],
    ["172.16.3.4", "a private address 172.16.3.4"],
    ["192.168.1.1", "a private address 192.168.1.1"],
    ["127.0.0.1", "a loopback address 127.0.0.1"],
    ["127.255.0.9", "a loopback address"],
    ["169.254.169.254", "a link-local address 169.254.169.254"],
    ["100.64.0.1", "a carrier-grade NAT address"],
    ["0.0.0.0", "an unspecified address"],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "a broadcast address"],
    ["240.0.0.1", "a reserved address"],
    ["192.0.2.10", "a reserved address"],
    ["::1", "a loopback address ::1"],
    ["::", "an unspecified address"],
    ["fe80::1", "a link-local address"],
    ["fc00::1", "a unique-local (private) address"],
    ["fd00:ec2::254", "a unique-local (private) address"],
    ["ff02::1", "a multicast address"],
    ["::ffff:127.0.0.1", "a loopback address 127.0.0.1"],
    ["::ffff:10.0.0.5", "a private address 10.0.0.5"],
    ["::ffff:169.254.169.254", "a link-local address 169.254.169.254"],
    ["64:ff9b::a00:5", "a non-public address (rfc6052)"],
    ["2002:a00:5::1", "a non-public address (6to4)"],
    ["2001:db8::1", "a reserved address"],
  ])("refuses a host resolving to %s", async (address, why) => {
    expect(await refused("https://hooks.example.com/x", answering(address))).toContain(`resolves to ${why}`);
  });

  it.each([
    ["http://127.0.0.1:8080/x", "loopback"],
    ["http://[::1]/x", "loopback"],
    ["http://[::ffff:127.0.0.1]/x", "loopback"],
    ["http://[::ffff:7f00:1]/x", "loopback"],
    ["http://2130706433/x", "loopback"], // decimal 127.0.0.1, normalised by the URL parser
    ["http://0x7f.1/x", "loopback"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://10.1.2.3/x", "private"],
  ])("refuses the IP literal in %s without asking a resolver", async (url, kind) => {
    const noDns: Resolver = async () => {
      throw new Error("the resolver must not be asked for an IP literal");
    };
    expect(await refused(url, noDns)).toContain(kind);
  });

  it("refuses a name if any of its addresses is not public (a mixed answer cannot smuggle one in)", async () => {
    expect(await refused("https://hooks.example.com/", answering("93.184.216.34", "10.0.0.5"))).toContain("10.0.0.5");
  });

  it.each([
    ["ftp://hooks.example.com/x", "must use http or https, not ftp"],
    ["file:///etc/passwd", "must use http or https"],
    ["gopher://hooks.example.com/", "must use http or https"],
    ["https://user:pass@hooks.example.com/", "must not contain a user name or password"],
    ["https://user@hooks.example.com/", "must not contain a user name or password"],
    ["not a url", "is not a valid absolute URL"],
    ["/relative/path", "is not a valid absolute URL"],
  ])("refuses %s", async (url, why) => {
    expect(await refused(url)).toContain(why);
  });

  it("says so when the host does not resolve", async () => {
    const nx: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await refused("https://nowhere.invalid/", nx)).toBe("has a host that does not resolve (nowhere.invalid: ENOTFOUND)");
  });

  it("refuses real loopback URLs with the real resolver when private targets are not allowed", async () => {
    for (const url of ["http://localhost:3000/hook", "http://127.0.0.1:3000/hook", "http://[::1]:3000/hook"]) {
      const error = await checkWebhookUrl(url, { allowPrivate: false }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(BlockedUrlError);
      expect((error as BlockedUrlError).reason).toMatch(/resolves to a loopback address/);
    }
  });

  it("allows them with WEBHOOK_ALLOW_PRIVATE", async () => {
    const target = await checkWebhookUrl("http://localhost:3000/hook", { allowPrivate: true });
    expect(["127.0.0.1", "::1"]).toContain(target.address);
    expect((await checkWebhookUrl("http://10.0.0.5/x", { allowPrivate: true })).address).toBe("10.0.0.5");
    // Scheme and credentials rules hold regardless.
    await expect(checkWebhookUrl("ftp://localhost/", { allowPrivate: true })).rejects.toBeInstanceOf(BlockedUrlError);
  });

  it("turns a refusal into a 422 naming the url field and why", async () => {
    const error = (await assertWebhookUrlAllowed("https://hooks.example.com/", { allowPrivate: false, resolve: answering("10.0.0.5") }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.kind).toBe("unprocessable");
    expect(error.code).toBe("webhook_url_blocked");
    expect(error.errors).toEqual([{ path: "url", message: expect.stringContaining("resolves to a private address 10.0.0.5") }]);
  });

  it("judges bare addresses by the public-only policy", () => {
    expect(publicAddressesOnly("8.8.8.8")).toBeNull();
    expect(publicAddressesOnly("2606:4700::1111")).toBeNull();
    expect(publicAddressesOnly("::ffff:8.8.8.8")).toBeNull();
    expect(publicAddressesOnly("not-an-ip")).toMatch(/not an IP address/);
  });
});
