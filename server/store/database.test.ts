import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config/config";
import { storeTarget } from "./database";

describe("choosing the progress store's database", () => {
  it("is SQLite in the data folder unless DATABASE_URL is set", () => {
    const config = loadConfig({ COURSE_PROJECT_ROOT: "/srv/course" });
    expect(config.databaseUrl).toBeUndefined();
    expect(storeTarget(config.dataDir, config.databaseUrl)).toStrictEqual({ dialect: "sqlite", file: "/srv/course/.data/course.db" });
    expect(loadConfig({ COURSE_PROJECT_ROOT: "/srv/course", DATABASE_URL: "  " }).databaseUrl).toBeUndefined();
  });

  it.each(["postgres://course:secret@db.internal:5432/course", "postgresql://db.internal/course?sslmode=require"])("is PostgreSQL for %s", (url) => {
    const config = loadConfig({ COURSE_PROJECT_ROOT: "/srv/course", DATABASE_URL: url });
    expect(config.databaseUrl).toBe(url);
    expect(storeTarget(config.dataDir, config.databaseUrl)).toStrictEqual({ dialect: "postgres", url });
  });

  it.each(["mysql://course:secret@db.internal/course", "sqlite:///srv/course.db", "not a url", "postgres://"])(
    "refuses DATABASE_URL=%s with a message naming the variable",
    (url) => {
      expect(() => loadConfig({ COURSE_PROJECT_ROOT: "/srv/course", DATABASE_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ COURSE_PROJECT_ROOT: "/srv/course", DATABASE_URL: url })).toThrow("DATABASE_URL must be a postgres:// or postgresql:// URL");
    },
  );

  it("never repeats the URL in the error, since it may hold a password", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://course:hunter2@db/course" })).toThrow(/^(?![\s\S]*hunter2)/);
  });
});
