import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readMemory } from "./memory";

describe("the machine's memory", () => {
  const folders: string[] = [];
  afterEach(() => folders.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const meminfo = (text: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meminfo-"));
    folders.push(dir);
    fs.writeFileSync(path.join(dir, "meminfo"), text);
    return path.join(dir, "meminfo");
  };

  it("is read from /proc/meminfo in MB: the total and what is available", () => {
    expect(readMemory(meminfo("MemTotal:       24576000 kB\nMemFree:         1000000 kB\nMemAvailable:   20480000 kB\n"))).toEqual({ totalMb: 24_000, availableMb: 20_000 });
  });

  it("is unknown without the file or its fields (the floor then never refuses)", () => {
    expect(readMemory(path.join(os.tmpdir(), "no-such-meminfo"))).toBeNull();
    expect(readMemory(meminfo("MemTotal: 1000 kB\n"))).toBeNull();
  });
});
