import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { interfaceAddresses, linkOrigin } from "./rejoin-links";

const site = (env: Record<string, string> = {}) => loadConfig({ PORT: "3000", ...env }, { projectRoot: "/srv/course" }).site;
const lan = () => ["127.0.0.1", "::1", "10.0.0.5", "fe80::1"];

describe("the origin of a re-join link", () => {
  it("is COURSE_PUBLIC_URL whenever it is set, whatever the Host", () => {
    const withPublic = site({ COURSE_PUBLIC_URL: "https://course.example.edu/" });
    expect(linkOrigin(withPublic, "10.0.0.5:3000", lan)).toBe("https://course.example.edu");
    expect(linkOrigin(withPublic, "evil.example:3000", lan)).toBe("https://course.example.edu");
    expect(linkOrigin(withPublic, null, lan)).toBe("https://course.example.edu");
  });

  it("is the request's Host when it names this server on the site's port", () => {
    const open = site({ HOST: "0.0.0.0" });
    expect(linkOrigin(open, "10.0.0.5:3000", lan)).toBe("http://10.0.0.5:3000");
    expect(linkOrigin(open, "LOCALHOST:3000", lan)).toBe("http://localhost:3000");
    expect(linkOrigin(open, "127.0.0.1:3000", lan)).toBe("http://127.0.0.1:3000");
    expect(linkOrigin(open, "127.0.0.9:3000", lan)).toBe("http://127.0.0.9:3000");
    expect(linkOrigin(open, "[::1]:3000", lan)).toBe("http://[::1]:3000");
    expect(linkOrigin(open, "[fe80::1]:3000", lan)).toBe("http://[fe80::1]:3000");
    expect(linkOrigin(site({ HOST: "course.lan" }), "course.lan:3000", lan)).toBe("http://course.lan:3000");
  });

  it("is the site's own URL for any other Host: another name, port, or something that is no host at all", () => {
    const open = site({ HOST: "0.0.0.0" });
    expect(open.url).toBe("http://localhost:3000");
    for (const host of ["evil.example:3000", "10.0.0.6:3000", "10.0.0.5:3001", "10.0.0.5", "0.0.0.0:3000", "evil.example@10.0.0.5:3000", "10.0.0.5:3000/x", "[::2]:3000", "", "   "]) {
      expect(linkOrigin(open, host, lan), host).toBe("http://localhost:3000");
    }
    expect(linkOrigin(open, null, lan)).toBe("http://localhost:3000");
    expect(linkOrigin(site({ HOST: "course.lan" }), "other.lan:3000", lan)).toBe("http://course.lan:3000");
  });

  it("knows this machine's addresses", () => {
    expect(interfaceAddresses()).toContain("127.0.0.1");
  });
});
