import net from "node:net";
import os from "node:os";
import type { CourseConfig } from "../config/config";

/** How long a re-join link works (it works once). */
export const REJOIN_LINK_MINUTES = 60;

/** Every address of this machine's interfaces (zone ids dropped), lower-case. */
export function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry): entry is os.NetworkInterfaceInfo => Boolean(entry))
    .map((entry) => entry.address.split("%")[0].toLowerCase());
}

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1" || host === "::ffff:127.0.0.1";
}

/**
 * The origin a link handed to a learner starts with: COURSE_PUBLIC_URL when
 * set; else the Host the instructor's request came to, when it is one this
 * course listens on (the site's port, with the configured HOST, a loopback
 * name or address, or an address of this machine); else the site's own URL.
 * A Host header is the client's to choose, so it is only believed when it
 * names this very server; links to anywhere else are never built.
 */
export function linkOrigin(site: CourseConfig["site"], hostHeader: string | null | undefined, addresses: () => string[] = interfaceAddresses): string {
  if (site.publicUrl) return site.publicUrl;
  const fromHost = hostHeader ? originFromHost(site, hostHeader.trim().toLowerCase(), addresses) : null;
  return fromHost ?? site.url;
}

function originFromHost(site: CourseConfig["site"], host: string, addresses: () => string[]): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return null;
  const [, hostPart, portPart] = match;
  if (Number(portPart ?? 80) !== site.port) return null;
  const name = hostPart.replace(/^\[|\]$/g, "");
  if (hostPart.startsWith("[") && net.isIPv6(name) === false) return null;
  if (name === "0.0.0.0" || name === "::") return null; // "every interface" is no address to open
  const configured = site.host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  const ours = name === configured || isLoopback(name) || (net.isIP(name) !== 0 && addresses().includes(name));
  return ours ? `http://${hostPart}:${site.port}` : null;
}
