// Who is on the other end of a request. Forwarded headers (X-Forwarded-For, -Host, -Proto) are
// believed only from proxies TRUST_PROXY names: by default nobody is trusted and the socket's
// address is the client, so a header a browser (or anything on the same host) sends cannot buy
// it a fresh rate-limit window or fool the CSRF check.
import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context as HonoContext } from "hono";
import type { ApiConfig } from "../config.ts";

/** false: trust no proxy; n: the n nearest hops are proxies; a list: addresses / CIDR ranges of proxies. */
export type TrustProxy = false | number | readonly string[];

/** Parses TRUST_PROXY: "" / "false" / "0", a hop count, or a comma-separated list of addresses, CIDRs and "loopback". */
export function parseTrustProxy(value: string): TrustProxy | Error {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "false" || v === "off" || v === "0") return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries) {
    if (e === "loopback") continue;
    const [address, prefix] = e.split("/");
    const family = isIP(address ?? "");
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (!family || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128))))
      return new Error(`TRUST_PROXY: "${e}" is not an address, a CIDR range or "loopback" (or give a number of hops)`);
  }
  return entries;
}

const normalise = (address: string) => (address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/** Decides, hop by hop from the socket outwards, whether an address is a proxy we trust. */
export class ProxyTrust {
  private readonly hops: number;
  private readonly list: BlockList | undefined;

  constructor(setting: TrustProxy) {
    this.hops = typeof setting === "number" ? setting : 0;
    if (Array.isArray(setting)) {
      const list = new BlockList();
      for (const e of setting as readonly string[]) {
        if (e === "loopback") {
          list.addSubnet("127.0.0.0", 8, "ipv4");
          list.addAddress("::1", "ipv6");
          continue;
        }
        const [address, prefix] = e.split("/") as [string, string | undefined];
        const type = isIP(address) === 4 ? "ipv4" : "ipv6";
        if (prefix === undefined) list.addAddress(address, type);
        else list.addSubnet(address, Number(prefix), type);
      }
      this.list = list;
    }
  }

  /** Whether the hop'th address from the socket (0: the socket's peer) is a trusted proxy. */
  trusts(address: string, hop = 0): boolean {
    if (this.list) {
      const a = normalise(address);
      const family = isIP(a);
      return family !== 0 && this.list.check(a, family === 4 ? "ipv4" : "ipv6");
    }
    return hop < this.hops;
  }

  /** The client's address: the socket's peer, or the nearest untrusted address of X-Forwarded-For
   *  when the hops in between are trusted proxies. */
  clientAddress(remote: string, forwardedFor: string | null | undefined): string {
    let address = normalise(remote);
    if (!forwardedFor || !this.trusts(address, 0)) return address;
    const chain = forwardedFor
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean);
    for (let hop = 1; chain.length > 0; hop++) {
      address = normalise(chain.pop()!);
      if (!this.trusts(address, hop)) break;
    }
    return address;
  }
}

/** The Hono env of a call the apps hand over in process (server.ts): the browser's address, as
 *  SvelteKit saw it. It is not a header, so nothing a browser sends can set it. */
export interface InProcessEnv {
  tallyClientAddress: string;
}

const trustOf = new WeakMap<ApiConfig, ProxyTrust>();
/** The proxy trust (TRUST_PROXY) of a configuration, built once. */
export function proxyTrust(config: ApiConfig): ProxyTrust {
  let trust = trustOf.get(config);
  if (!trust) {
    trust = new ProxyTrust(config.trustProxy);
    trustOf.set(config, trust);
  }
  return trust;
}

function socketAddress(c: HonoContext): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // app.request() in tests, or an in-process call: no socket.
  }
}

/** Whether the request came straight from a proxy TRUST_PROXY names (its X-Forwarded-* count). */
export function fromTrustedProxy(c: HonoContext, config: ApiConfig): boolean {
  const remote = socketAddress(c);
  return remote !== undefined && proxyTrust(config).trusts(remote, 0);
}

/** The client's address: given by the apps in process, or the socket's peer (X-Forwarded-For only
 *  through proxies TRUST_PROXY trusts). */
export function clientAddress(c: HonoContext, config: ApiConfig): string {
  const given = (c.env as Partial<InProcessEnv> | undefined)?.tallyClientAddress;
  if (typeof given === "string") return given;
  const remote = socketAddress(c);
  if (remote === undefined) return "local";
  return proxyTrust(config).clientAddress(remote, c.req.header("x-forwarded-for"));
}

/** The host the client asked for (X-Forwarded-Host only from a trusted proxy). */
export function requestHost(c: HonoContext, config: ApiConfig): string {
  const forwarded = fromTrustedProxy(c, config) ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || new URL(c.req.url).host;
}

export function isSecure(c: HonoContext, config: ApiConfig): boolean {
  if (config.secureCookies !== "auto") return config.secureCookies;
  if (new URL(c.req.url).protocol === "https:") return true;
  return fromTrustedProxy(c, config) && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}
