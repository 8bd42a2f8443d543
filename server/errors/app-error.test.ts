import { describe, expect, it, vi } from "vitest";
import { AppError, isAppError } from "./app-error";

describe("isAppError", () => {
  it("knows an AppError made by another copy of the module (another Next.js chunk)", async () => {
    vi.resetModules();
    // A query makes Vite load the file again as a module of its own, as Next.js bundles a copy per chunk.
    const copy: string = "./app-error.ts?copy";
    const other = (await import(/* @vite-ignore */ copy)) as typeof import("./app-error");
    const foreign = new other.AppError("bad_request", "IrisModel has no version in Staging");
    expect(foreign instanceof AppError, "the premise: a second copy's class is another class").toBe(false);
    expect(isAppError(foreign)).toBe(true);
    expect(foreign.status).toBe(400);
  });

  it("knows its own, and refuses other errors and look-alikes by name only", () => {
    expect(isAppError(new AppError("conflict", "taken"))).toBe(true);
    expect(isAppError(new Error("boom"))).toBe(false);
    expect(isAppError(Object.assign(new Error("x"), { name: "AppError", code: "bad_request" }))).toBe(false);
    expect(isAppError(null)).toBe(false);
  });
});
