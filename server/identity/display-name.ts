/**
 * What two names are compared by, to refuse a second "Alice" in a class:
 * compatibility-normalized (NFKC: "ＡＬＩＣＥ" is "ALICE") and case-folded
 * (upper- then lower-cased, so "ß" and "SS" meet as well).
 */
export function displayNameKey(name: string): string {
  return name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC").trim().replace(/\s+/gu, " ");
}

/** The refusal for a name someone active in the class already has. */
export function nameTakenMessage(existing: string, wanted: string): string {
  return `Someone in this class already uses the name "${existing}"; add an initial, e.g. "${wanted} B." (if that is you on another browser, ask your instructor for a re-join link).`;
}
