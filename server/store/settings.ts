import type { Store } from "./database";

export async function readSetting(db: Store, key: string): Promise<string | null> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeSetting(db: Store, key: string, value: string): Promise<void> {
  const updated_at = new Date().toISOString();
  await db
    .insertInto("settings")
    .values({ key, value, updated_at })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at }))
    .execute();
}

/** Writes `value` unless the key exists; returns the value stored afterwards (the first writer's). */
export async function writeSettingOnce(db: Store, key: string, value: string): Promise<string> {
  await db
    .insertInto("settings")
    .values({ key, value, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return (await readSetting(db, key)) ?? value;
}

/** Replaces the value only while it is still `expected`; returns the value stored afterwards. */
export async function replaceSetting(db: Store, key: string, expected: string, value: string): Promise<string> {
  await db.updateTable("settings").set({ value, updated_at: new Date().toISOString() }).where("key", "=", key).where("value", "=", expected).execute();
  return (await readSetting(db, key)) ?? value;
}

/** Forgets a setting (reading it again gives null). */
export async function deleteSetting(db: Store, key: string): Promise<void> {
  await db.deleteFrom("settings").where("key", "=", key).execute();
}
