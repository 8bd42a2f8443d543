import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config/config";
import { storeTarget } from "./database";

describe("choosing the progress store's database", () => {
  it("is SQLite in the data folder unless DATABASE_URL is set", () => {
    const config = loadConfig({}, { projectRoot: "/srv/course" });
    expect(config.databaseUrl).toBeUndefined();
    expect(storeTarget(config.dataDir, config.databaseUrl)).toStrictEqual({ dialect: "sqlite", file: "/srv/course/.data/course.db" });
    expect(loadConfig({ DATABASE_URL: "  " }, { projectRoot: "/srv/course" }).databaseUrl).toBeUndefined();
  });

  it.each(["postgres://course:secret@db.internal:5432/course", "postgresql://db.internal/course?sslmode=require"])("is PostgreSQL for %s", (url) => {
    const config = loadConfig({ DATABASE_URL: url }, { projectRoot: "/srv/course" });
    expect(config.databaseUrl).toBe(url);
    expect(storeTarget(config.dataDir, config.databaseUrl)).toStrictEqual({ dialect: "postgres", url });
  });

  it.each(["mysql://course:secret@db.internal/course", "sqlite:///srv/course.db", "not a url", "postgres://"])(
    "refuses DATABASE_URL=%s with a message naming the variable",
    (url) => {
      expect(() => loadConfig({ DATABASE_URL: url }, { projectRoot: "/srv/course" })).toThrow(ConfigError);
      expect(() => loadConfig({ DATABASE_URL: url }, { projectRoot: "/srv/course" })).toThrow("DATABASE_URL must be a postgres:// or postgresql:// URL");
    },
  );

  it("never repeats the URL in the error, since it may hold a password", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://course:hunter2@db/course" })).toThrow(/^(?![\s\S]*hunter2)/);
  });
});
