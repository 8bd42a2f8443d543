import { describe, expect, it } from "vitest";
import { clientKey, requestClientAddress, resolveClientAddress } from "./client-address";

describe("resolveClientAddress", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("10.0.0.7", "1.2.3.4", "none")).toBe("10.0.0.7");
    expect(resolveClientAddress("::ffff:10.0.0.7", undefined, "none")).toBe("10.0.0.7");
  });

  it("takes the right-most hop behind one trusted proxy, never the client-chosen left-most", () => {
    expect(resolveClientAddress("10.0.0.1", "6.6.6.6, 203.0.113.9", "peer")).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.1", undefined, "peer")).toBe("10.0.0.1");
    expect(resolveClientAddress("10.0.0.1", "not-an-address", "peer")).toBe("10.0.0.1");
  });

  it("walks past listed proxies from the right", () => {
    const proxies = ["10.0.0.1", "10.0.0.2"];
    expect(resolveClientAddress("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", proxies)).toBe("203.0.113.9");
    // A peer that is not a listed proxy is the client itself.
    expect(resolveClientAddress("198.51.100.4", "6.6.6.6", proxies)).toBe("198.51.100.4");
  });
});

describe("clientKey", () => {
  it("keeps IPv4 addresses and groups IPv6 by /64", () => {
    expect(clientKey("192.0.2.1")).toBe("192.0.2.1");
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8:1:2:bbbb::9")).toBe(clientKey("2001:db8:1:2:aaaa::1"));
    expect(clientKey("2001:db8:1:3::1")).not.toBe(clientKey("2001:db8:1:2::1"));
    expect(clientKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
  });
});

describe("whom a per-client limit counts against (a route's clientKey)", () => {
  const from = (headers: Record<string, string>) => new Request("http://course.test/api/session/join", { method: "POST", headers });
  const keyOf = (request: Request) => clientKey(requestClientAddress(request));

  it("is the client address the entry point set, one key per client", () => {
    expect(keyOf(from({ "x-course-client-address": "127.0.0.2" }))).toBe("127.0.0.2");
    expect(keyOf(from({ "x-course-client-address": "127.0.0.3" }))).toBe("127.0.0.3");
    expect(keyOf(from({ "x-course-client-address": "::ffff:10.0.0.5" }))).toBe("10.0.0.5");
  });

  it("groups IPv6 by /64, so a client cannot take a fresh address for every guess", () => {
    const one = keyOf(from({ "x-course-client-address": "2001:db8:1:2::5" }));
    expect(keyOf(from({ "x-course-client-address": "2001:db8:1:2:ffff:ffff:ffff:1" }))).toBe(one);
    expect(keyOf(from({ "x-course-client-address": "2001:db8:1:3::5" }))).not.toBe(one);
  });

  it("never reads X-Forwarded-For or X-Real-IP itself, and has no shared 'direct' key", () => {
    const forged = from({ "x-course-client-address": "127.0.0.2", "x-forwarded-for": "198.51.100.7", "x-real-ip": "198.51.100.8" });
    expect(keyOf(forged)).toBe("127.0.0.2");
    // Without the entry point's header (a request that did not come through it) there is nothing else to go by.
    expect(keyOf(from({ "x-forwarded-for": "198.51.100.7" }))).toBe("unknown");
  });
});
