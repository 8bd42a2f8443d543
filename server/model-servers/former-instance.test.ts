import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { swapFormerInstanceId } from "./former-instance";

describe("swapFormerInstanceId", () => {
  it("gives each site's start the id of the previous process on its port, and only that", () => {
    const runDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "former-")), "run");
    expect(swapFormerInstanceId(runDir, 3000, "first")).toBeNull();
    expect(swapFormerInstanceId(runDir, 3001, "other-port")).toBeNull();
    expect(swapFormerInstanceId(runDir, 3000, "second")).toBe("first");
    expect(swapFormerInstanceId(runDir, 3000, "third")).toBe("second");
    expect(swapFormerInstanceId(runDir, 3001, "other-again")).toBe("other-port");
    // The same process asking twice has no former self.
    expect(swapFormerInstanceId(runDir, 3000, "third")).toBeNull();
  });
});
