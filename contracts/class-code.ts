/**
 * Class codes: 10 characters of an alphabet without look-alikes (no 0/O, 1/I),
 * 32^10 ≈ 1.1e15 codes. Stored bare (`K7PQR2MZXA`), shown in two groups
 * (`K7PQR-2MZXA`), and accepted in any case, with or without the dash or spaces.
 * A contract: the join form takes its limits and example from here, the join
 * route's schema (session-requests.ts) its normalizing.
 */
export const CLASS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const CLASS_CODE_LENGTH = 10;
const GROUP = 5;

/** What the join form takes at most (the code, its dash and a few stray spaces). */
export const CLASS_CODE_INPUT_MAX_LENGTH = 24;

/** How a class code looks, for placeholders and messages (not a real code: it has no digits). */
export const CLASS_CODE_EXAMPLE = "ABCDE-FGHJK";

/** What a person typed -> the bare upper-case code: width-folded (NFKC), dashes, dots, underscores and spaces dropped. */
export function normalizeClassCode(input: string): string {
  return input
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\p{Pd}\u2212_.]/gu, "");
}

/** A bare code in groups for people: `K7PQR2MZXA` -> `K7PQR-2MZXA`. Anything else (an older code) as it is. */
export function formatClassCode(code: string): string {
  const bare = normalizeClassCode(code);
  if (bare.length !== CLASS_CODE_LENGTH) return bare;
  const groups: string[] = [];
  for (let start = 0; start < bare.length; start += GROUP) groups.push(bare.slice(start, start + GROUP));
  return groups.join("-");
}

/** True for a bare code of the current length and alphabet. */
export function isCurrentClassCode(code: string): boolean {
  return code.length === CLASS_CODE_LENGTH && [...code].every((char) => CLASS_CODE_ALPHABET.includes(char));
}
