import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { networkProblem } from '../config/allowed-networks.js';
import type { UrlGuard } from './subscription-service.js';

/**
 * SSRF protection for webhook delivery. In production a subscriber URL must be https, and every
 * address its host resolves to must be public global unicast. The check and the connection share
 * one resolution (guardedLookup), so a name that resolves to a public address for the check and to
 * an internal one a moment later (DNS rebinding) cannot redirect the socket.
 *
 * net.connect/tls.connect never call `lookup` for an IP-literal host, so guardedLookup alone does
 * not cover https://10.0.0.1/: the sender must call checkLiteralHost (or resolveAndCheck) with the
 * URL's hostname before each send.
 */

export type DeliveryEnv = 'development' | 'test' | 'production';
export type GuardErrorClass = 'ssrf_blocked' | 'dns';
export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const SSRF_BLOCKED_CODE = 'ESSRFBLOCKED';

/** Thrown by the lookup below and by resolveAndCheck; `errorClass` is what the attempt log records. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly errorClass: GuardErrorClass;
  /** ESSRFBLOCKED when refused; the resolver's own code (ENOTFOUND, EAI_AGAIN, ...) for DNS failures. */
  readonly code: string;
  readonly hostname: string;
  /** The refused address and the name of its range, when the refusal was about an address. */
  readonly address: string | undefined;
  readonly range: string | undefined;

  constructor(
    errorClass: GuardErrorClass,
    message: string,
    details: { hostname: string; code?: string; address?: string; range?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.errorClass = errorClass;
    this.code = details.code ?? (errorClass === 'ssrf_blocked' ? SSRF_BLOCKED_CODE : 'ENOTFOUND');
    this.hostname = details.hostname;
    this.address = details.address;
    this.range = details.range;
  }
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];
const cidr = (text: string): Cidr => ipaddr.parseCIDR(text);

// Order matters: the first match names the range, so the specific entries (metadata endpoints,
// broadcast) come before the wider blocks that contain them.
const IPV4_RANGES: Array<[string, Cidr]> = [
  ['metadata', cidr('169.254.169.254/32')],
  ['metadata', cidr('169.254.170.2/32')], // ECS task metadata
  ['metadata', cidr('100.100.100.200/32')], // Alibaba Cloud
  ['metadata', cidr('192.0.0.192/32')], // Oracle Cloud
  // Azure's wire server is not in a special-purpose block, yet is reachable only from inside Azure.
  ['metadata', cidr('168.63.129.16/32')],
  ['unspecified', cidr('0.0.0.0/8')],
  ['private', cidr('10.0.0.0/8')],
  ['carrier-grade NAT', cidr('100.64.0.0/10')],
  ['loopback', cidr('127.0.0.0/8')],
  ['link-local', cidr('169.254.0.0/16')],
  ['private', cidr('172.16.0.0/12')],
  ['IETF protocol assignments', cidr('192.0.0.0/24')],
  ['documentation', cidr('192.0.2.0/24')],
  ['6to4 relay anycast', cidr('192.88.99.0/24')],
  ['private', cidr('192.168.0.0/16')],
  ['benchmarking', cidr('198.18.0.0/15')],
  ['documentation', cidr('198.51.100.0/24')],
  ['documentation', cidr('203.0.113.0/24')],
  ['multicast', cidr('224.0.0.0/4')],
  ['broadcast', cidr('255.255.255.255/32')],
  ['reserved', cidr('240.0.0.0/4')],
];

const IPV6_RANGES: Array<[string, Cidr]> = [
  ['metadata', cidr('fd00:ec2::254/128')],
  ['unspecified', cidr('::/128')],
  ['loopback', cidr('::1/128')],
  ['discard-only', cidr('100::/64')],
  ['dummy prefix', cidr('100:0:0:1::/64')],
  ['Teredo', cidr('2001::/32')],
  ['benchmarking', cidr('2001:2::/48')],
  ['ORCHID', cidr('2001:10::/28')],
  ['ORCHIDv2', cidr('2001:20::/28')],
  ['IETF protocol assignments', cidr('2001::/23')],
  ['documentation', cidr('2001:db8::/32')],
  ['documentation', cidr('3fff::/20')],
  ['segment routing', cidr('5f00::/16')],
  ['unique-local', cidr('fc00::/7')],
  ['link-local', cidr('fe80::/10')],
  ['site-local', cidr('fec0::/10')],
  ['multicast', cidr('ff00::/8')],
];

const GLOBAL_UNICAST_V6 = cidr('2000::/3');
const V4_MAPPED = cidr('::ffff:0:0/96');
const NAT64 = cidr('64:ff9b::/96');
const NAT64_LOCAL = cidr('64:ff9b:1::/48');
const SIX_TO_FOUR = cidr('2002::/16');
const V4_TRANSLATED = cidr('::ffff:0:0:0/96');
const V4_COMPATIBLE = cidr('::/96');
const UNSPECIFIED_OR_LOOPBACK = cidr('::/127');

function v4Range(address: ipaddr.IPv4): string | null {
  for (const [name, range] of IPV4_RANGES) if (address.match(range)) return name;
  return null;
}

function embeddedV4(parts: number[], firstPart: number): ipaddr.IPv4 {
  const high = parts[firstPart] ?? 0;
  const low = parts[firstPart + 1] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** A prefix-qualified name when the embedded IPv4 is forbidden; null when it is public. */
function embeddedRange(label: string, v4: ipaddr.IPv4): string | null {
  const inner = v4Range(v4);
  return inner === null ? null : `${label} ${inner}`;
}

function v6Range(address: ipaddr.IPv6): string | null {
  const parts = address.parts;
  // Forms that carry an IPv4 address reach that IPv4 host, so they are judged by it.
  if (address.match(V4_MAPPED)) return embeddedRange('IPv4-mapped', embeddedV4(parts, 6));
  if (address.match(NAT64)) return embeddedRange('NAT64', embeddedV4(parts, 6));
  if (address.match(SIX_TO_FOUR)) return embeddedRange('6to4', embeddedV4(parts, 1));
  // Refused even with a public IPv4 inside: the local-use prefix is not globally reachable and its
  // embedding position depends on the operator's prefix length, and the other two are deprecated
  // transition forms no legitimate subscriber publishes.
  if (address.match(NAT64_LOCAL)) return embeddedRange('NAT64', embeddedV4(parts, 6)) ?? 'local-use NAT64';
  if (address.match(V4_TRANSLATED)) return embeddedRange('IPv4-translated', embeddedV4(parts, 6)) ?? 'IPv4-translated';
  const compatible = address.match(V4_COMPATIBLE) && !address.match(UNSPECIFIED_OR_LOOPBACK);
  if (compatible) return embeddedRange('IPv4-compatible', embeddedV4(parts, 6)) ?? 'IPv4-compatible';
  for (const [name, range] of IPV6_RANGES) if (address.match(range)) return name;
  return address.match(GLOBAL_UNICAST_V6) ? null : 'reserved';
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (isIP(text) === 6) {
    // ipaddr.js reads '::a.b.c.d' as IPv4-mapped, but it is the (deprecated) IPv4-compatible
    // ::a.b.c.d that the socket would use; the WHATWG serialiser spells it the RFC 4291 way first.
    const bare = text.replace(/%.*$/, '');
    return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  }
  // Also accepts 2130706433 and 0x7f.1, which inet_aton (and so getaddrinfo) reads as addresses.
  return ipaddr.isValid(text) ? ipaddr.parse(text) : null;
}

/**
 * Networks an operator lets webhooks reach in production besides public addresses
 * (delivery.allowedNetworks: the company's own services on its LAN). Only addresses are allowed,
 * never names: a host is judged by every address it resolves to, so a DNS answer cannot widen
 * the list, and metadata endpoints stay refused whatever the list holds.
 */
export type AllowedNetworks = readonly Cidr[];
export const NO_NETWORKS: AllowedNetworks = [];

/** Parses CIDR texts ('10.20.0.0/16', 'fd12:3456::/48'); throws naming the first bad one. */
export function parseNetworks(texts: readonly string[]): AllowedNetworks {
  return texts.map((text) => {
    const network = networkProblem(text);
    if (network !== null) throw new Error(`${JSON.stringify(text)} ${network}`);
    return ipaddr.parseCIDR(text.trim());
  });
}

function allows(allowed: AllowedNetworks, ip: string): boolean {
  if (allowed.length === 0) return false;
  let address = parseAddress(stripBrackets(ip.trim()));
  if (address === null) return false;
  // ::ffff:10.20.0.5 reaches 10.20.0.5, so it is allowed exactly when that address is.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  return allowed.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/** forbiddenRange, less the allowed networks; a metadata address is refused even inside one. */
function refusedRange(ip: string, allowed: AllowedNetworks): string | null {
  const range = forbiddenRange(ip);
  if (range === null || /\bmetadata$/.test(range)) return range;
  return allows(allowed, ip) ? null : range;
}

/** Null when the address is public global unicast; otherwise the name of the range it falls in. */
export function forbiddenRange(ip: string): string | null {
  const address = parseAddress(stripBrackets(ip.trim()));
  // Fail closed: something that is not an address cannot be shown to be public.
  if (address === null) return 'not an IP address';
  return address.kind() === 'ipv4' ? v4Range(address as ipaddr.IPv4) : v6Range(address as ipaddr.IPv6);
}

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);
// Suffixes that by definition never name a public host (RFC 6761, RFC 6762, RFC 8375, ICANN .internal).
const PRIVATE_SUFFIXES = ['.localhost', '.internal', '.local', '.home.arpa'];

/**
 * Why a host name (not an address) is refused in production, or null. With allowed networks,
 * LAN names (.internal, .local) are judged by the addresses they resolve to instead.
 */
function forbiddenHostName(hostname: string, allowed: AllowedNetworks = NO_NETWORKS): string | null {
  // 'localhost.' and 'localhost' are the same name to the resolver.
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'must not point at localhost';
  if (METADATA_NAMES.has(name)) return 'must not point at a cloud metadata service';
  if (allowed.length > 0) return null;
  if (name === 'home.arpa' || PRIVATE_SUFFIXES.some((suffix) => name.endsWith(suffix)))
    return `must not point at a private name (${hostname})`;
  return null;
}

function literalAddress(hostname: string): string | null {
  const text = stripBrackets(hostname);
  return isIP(text) === 0 ? null : text;
}

/**
 * The refusal says which kind of address, never which address a name resolved to: the message
 * reaches API callers and the delivery log, and must not map the internal network for them.
 */
function blockedAddress(hostname: string, address: string, range: string): BlockedAddressError {
  const what = literalAddress(hostname) === null ? `${hostname} resolves to a ${range} address` : `${hostname} is a ${range} address`;
  return new BlockedAddressError('ssrf_blocked', what, { hostname, address, range });
}

/** Literal checks without DNS: absolute http(s) URL, no credentials, https and no literal internal host in production. */
export function checkUrlShape(
  url: string,
  env: DeliveryEnv,
  allowed: AllowedNetworks = NO_NETWORKS,
): { ok: true; url: URL } | { ok: false; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'is not an absolute URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { ok: false, reason: 'must use https (or http outside production)' };
  if (parsed.username || parsed.password) return { ok: false, reason: 'must not carry credentials' };
  if (env !== 'production') return { ok: true, url: parsed };
  if (parsed.protocol !== 'https:') return { ok: false, reason: 'must use https in production' };
  // URL has already normalised 2130706433, 0x7f.1 and ::ffff:127.0.0.1 to a canonical address.
  const literal = literalAddress(parsed.hostname);
  if (literal !== null) {
    const range = refusedRange(literal, allowed);
    return range === null ? { ok: true, url: parsed } : { ok: false, reason: `must not point at a ${range} address (${literal})` };
  }
  const nameReason = forbiddenHostName(parsed.hostname, allowed);
  return nameReason === null ? { ok: true, url: parsed } : { ok: false, reason: nameReason };
}

/**
 * For the sender, before each send: net.connect skips `lookup` for IP literals, so this is the
 * only check such a host gets. Throws BlockedAddressError in production for a forbidden literal or
 * a localhost/metadata name; does nothing for other names (guardedLookup checks those).
 */
export function checkLiteralHost(hostname: string, env: DeliveryEnv, allowed: AllowedNetworks = NO_NETWORKS): void {
  if (env !== 'production') return;
  const literal = literalAddress(hostname);
  if (literal !== null) {
    const range = refusedRange(literal, allowed);
    if (range !== null) throw blockedAddress(hostname, literal, range);
    return;
  }
  const nameReason = forbiddenHostName(hostname, allowed);
  if (nameReason !== null) throw new BlockedAddressError('ssrf_blocked', `${hostname} ${nameReason}`, { hostname });
}

const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true });

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

/**
 * Resolves every address of the host; in production refuses when ANY of them is forbidden, since
 * the connection could otherwise be steered to the bad one. Returns the first address, which is
 * the one to connect to.
 */
export async function resolveAndCheck(
  hostname: string,
  env: DeliveryEnv,
  lookup: LookupAll = systemLookup,
  allowed: AllowedNetworks = NO_NETWORKS,
): Promise<{ address: string; family: 4 | 6 }> {
  checkLiteralHost(hostname, env, allowed);
  const literal = literalAddress(hostname);
  if (literal !== null) return { address: literal, family: familyOf(literal) };

  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await lookup(hostname);
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ENOTFOUND';
    throw new BlockedAddressError('dns', `could not resolve ${hostname} (${code})`, { hostname, code, cause: error });
  }
  const first = addresses[0];
  if (first === undefined)
    throw new BlockedAddressError('dns', `could not resolve ${hostname} (no addresses)`, { hostname, code: 'ENOTFOUND' });

  if (env === 'production') {
    for (const { address } of addresses) {
      const range = refusedRange(address, allowed);
      if (range !== null) throw blockedAddress(hostname, address, range);
    }
  }
  // The family comes from the address itself: a resolver stub that mislabels it must not make the
  // socket misinterpret the checked address.
  return { address: first.address, family: familyOf(first.address) };
}

// `any` because net's LookupFunction (which undici's connect options reuse) types the callback's
// arguments precisely, and an unknown[]-typed callback is not assignable to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LookupCallback = (...args: any[]) => void;

/**
 * A `lookup` for net.connect/tls.connect (and so for undici's `new Agent({ connect: { lookup } })`).
 * It hands back only the address resolveAndCheck approved, in both callback shapes: Node asks for
 * `all: true` when autoSelectFamily is on, and a list with more entries would let the socket fall
 * through to an address that was never the one returned by the check.
 */
export function guardedLookup(
  env: DeliveryEnv,
  lookup: LookupAll = systemLookup,
  allowed: AllowedNetworks = NO_NETWORKS,
): (hostname: string, options: object, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    // dns.lookup's two-argument form passes the callback in place of the options.
    const done = typeof options === 'function' ? (options as LookupCallback) : callback;
    const all = typeof options === 'object' && options !== null && (options as { all?: unknown }).all === true;
    resolveAndCheck(hostname, env, lookup, allowed).then(
      ({ address, family }) => (all ? done(null, [{ address, family }]) : done(null, address, family)),
      (error: unknown) => done(error),
    );
  };
}

/** The API's UrlGuard: the same checks the sender applies, with DNS failures reported as a reason instead of thrown. */
export function createUrlGuard(env: DeliveryEnv, lookup?: LookupAll, allowed: AllowedNetworks = NO_NETWORKS): UrlGuard {
  return {
    async check(url) {
      const shape = checkUrlShape(url, env, allowed);
      if (!shape.ok) return shape;
      if (env !== 'production') return { ok: true };
      const hostname = stripBrackets(shape.url.hostname);
      try {
        await resolveAndCheck(hostname, env, lookup, allowed);
        return { ok: true };
      } catch (error) {
        if (!(error instanceof BlockedAddressError)) throw error;
        if (error.errorClass === 'dns') return { ok: false, reason: `has a host that could not be resolved: ${hostname} (${error.code})` };
        if (error.address === undefined) return { ok: false, reason: `must not point at ${hostname}: ${error.message}` };
        return { ok: false, reason: `must not point at a ${error.range ?? 'forbidden'} address (${hostname})` };
      }
    },
  };
}
