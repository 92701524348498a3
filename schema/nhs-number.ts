/**
 * NHS number rules shared by the gateway and every supplier subgraph.
 *
 * An NHS number is ten digits, handled as a string (it may start with 0), whose last digit is a
 * Modulus 11 check digit over the first nine (weights 10..2). Input may carry spaces, as numbers are
 * usually written 3-3-4; nothing else is tolerated.
 */

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for nine leading digits, or undefined when no valid number can end them (check 10). */
export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) throw new RangeError(`expected nine digits, got "${firstNine}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

export type NhsNumberProblem = 'NOT_TEN_DIGITS' | 'CHECK_DIGIT_MISMATCH' | 'NO_VALID_CHECK_DIGIT';

export type NhsNumberParse =
  | { readonly ok: true; readonly nhsNumber: string }
  | { readonly ok: false; readonly problem: NhsNumberProblem };

/** Normalises `input` (spaces removed) and checks length and check digit. Never throws. */
export function parseNhsNumber(input: string): NhsNumberParse {
  const compact = input.replace(/ /g, '');
  if (!/^\d{10}$/.test(compact)) return { ok: false, problem: 'NOT_TEN_DIGITS' };
  const expected = nhsCheckDigit(compact.slice(0, 9));
  if (expected === undefined) return { ok: false, problem: 'NO_VALID_CHECK_DIGIT' };
  if (expected !== Number(compact[9])) return { ok: false, problem: 'CHECK_DIGIT_MISMATCH' };
  return { ok: true, nhsNumber: compact };
}

export function isValidNhsNumber(input: string): boolean {
  return parseNhsNumber(input).ok;
}

/** `9434765919` -> `943 476 5919`, the form clinicians read. */
export function formatNhsNumber(nhsNumber: string): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

/**
 * Shows only the last four digits, for logs that must not carry a full identifier
 * (`*** *** 5919`). Audit records carry the full number; operational logs carry this.
 */
export function maskNhsNumber(nhsNumber: string): string {
  return `*** *** ${nhsNumber.slice(-4)}`;
}
