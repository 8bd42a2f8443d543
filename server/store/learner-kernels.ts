import type { Store } from "./database";

/**
 * Which kernel is each learner's: kept in the store so that every course instance, and an
 * instance started again, finds the same kernel on the Jupyter server or gateway. Writes
 * compare and set, so two instances starting a learner's kernel at once agree on one.
 */
export async function rememberedKernelId(db: Store, learnerId: string): Promise<string | undefined> {
  const row = await db.selectFrom("learner_kernels").select("kernel_id").where("learner_id", "=", learnerId).executeTakeFirst();
  return row?.kernel_id;
}

/**
 * Remembers `kernelId` as the learner's if their kernel is still `replacing` (undefined: if
 * they have none). False when another instance remembered a different one first.
 */
export async function rememberKernelId(db: Store, learnerId: string, kernelId: string, replacing: string | undefined): Promise<boolean> {
  const updated_at = new Date().toISOString();
  if (replacing === undefined) {
    const inserted = await db
      .insertInto("learner_kernels")
      .values({ learner_id: learnerId, kernel_id: kernelId, updated_at })
      .onConflict((oc) => oc.column("learner_id").doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const updated = await db
    .updateTable("learner_kernels")
    .set({ kernel_id: kernelId, updated_at })
    .where("learner_id", "=", learnerId)
    .where("kernel_id", "=", replacing)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Forgets the learner's kernel if it is still `kernelId` (another instance may have a newer one). */
export async function forgetKernelId(db: Store, learnerId: string, kernelId: string): Promise<void> {
  await db.deleteFrom("learner_kernels").where("learner_id", "=", learnerId).where("kernel_id", "=", kernelId).execute();
}

/** The three operations above on one store, in the shape of a learner kernel's directory. */
export function storeKernelDirectory(db: Store) {
  return {
    get: async (learnerId: string) => rememberedKernelId(db, learnerId),
    put: async (learnerId: string, kernelId: string, replacing: string | undefined) => rememberKernelId(db, learnerId, kernelId, replacing),
    drop: async (learnerId: string, kernelId: string) => forgetKernelId(db, learnerId, kernelId),
  };
}
