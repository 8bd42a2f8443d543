import net from "node:net";
import type { TrustedProxies } from "../config/config";

/**
 * The header the course's HTTP entry point (server/http/site-entry.ts) sets on
 * every request to the address of the client it came from. Whatever a client
 * sends under this name is replaced before Next.js sees the request, so route
 * code may trust it.
 */
export const CLIENT_ADDRESS_HEADER = "x-course-client-address";

/** `::ffff:10.0.0.5` -> `10.0.0.5`; anything else as given. */
function plainAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped ? mapped[1] : trimmed;
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  if (trusted === "none") return false;
  if (trusted === "peer") return true;
  return trusted.some((proxy) => plainAddress(proxy) === plainAddress(address));
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted reverse proxy.
 * Then X-Forwarded-For is read from the right (the entries the proxies appended),
 * skipping trusted proxies, and the first untrusted hop is the client. The
 * left-most entries are whatever the client chose to send, so they are never used.
 * With "peer" only the direct peer is trusted: the right-most entry is the client.
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  const direct = plainAddress(peer ?? "") || "unknown";
  if (!isTrusted(direct, trusted)) return direct;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((hop) => plainAddress(hop))
    .filter(Boolean);
  if (trusted === "peer") {
    const last = hops.at(-1);
    return last && net.isIP(last) ? last : direct;
  }
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index];
    if (net.isIP(hop) === 0) return direct; // a garbled entry: the proxy's peer is all that is known
    if (!isTrusted(hop, trusted)) return hop;
  }
  return direct;
}

/**
 * What a per-client counter is keyed on: an IPv4 address, or the /64 network of an
 * IPv6 address (one household or machine holds a whole /64, so counting single
 * IPv6 addresses would let one client take a fresh address for every guess).
 */
export function clientKey(address: string): string {
  const plain = plainAddress(address);
  if (net.isIP(plain) !== 6) return plain;
  const groups = expandIpv6(plain);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : plain;
}

function expandIpv6(address: string): string[] | null {
  const withoutZone = address.split("%")[0];
  const [head, tail] = withoutZone.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail !== undefined && tail !== "" ? tail.split(":") : [];
  if (tailGroups.some((group) => group.includes("."))) return null; // embedded IPv4: rare, keep whole
  const missing = 8 - headGroups.length - tailGroups.length;
  if (withoutZone.includes("::") ? missing < 0 : missing !== 0) return null;
  return [...headGroups, ...Array(Math.max(missing, 0)).fill("0"), ...tailGroups].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""));
}

/** The client address of a request that came through the course's entry point. */
export function requestClientAddress(request: Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}
