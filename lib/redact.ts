/**
 * Takes identifiers and secrets out of text before it is written to a log. Every logger in the project
 * writes through `redact` (lib/logger.ts), whatever produced the line: our own messages, error messages
 * and stacks from graphql-js or Apollo, or a library's warning.
 *
 * What is removed:
 * - NHS numbers: any run of ten digits, or 3-3-4 with a space (ordinary, non-breaking or thin), dash or
 *   dot between the groups, kept as `*** *** 1234` so a line can still be matched to a patient by
 *   someone holding the audit trail. The check digit is not consulted: a number one keystroke away from
 *   a patient's is as personal as the patient's own. A digit just before the run does not hide it when
 *   it ends a JSON escape (`\u0001` then the number);
 * - bearer tokens, JWTs, PEM blocks, 64-hex-character keys, passwords in URLs, registry credentials;
 * - every secret the process was configured with (registered at start-up with `registerSecret`).
 * Redaction errs on the side of removing too much: a ten-digit count or timestamp is masked too, which
 * costs nothing.
 */
const SEPARATOR = '[ \\u00a0\\u2000-\\u200a\\u202f.-]?';
/** Ten digits not inside a longer number; the lookbehind lets a `\uXXXX` escape end just before them. */
const NHS_NUMBER = new RegExp(
  `(?:(?<!\\d)|(?<=\\\\u[0-9a-fA-F]{4}))(\\d{3})${SEPARATOR}(\\d{3})${SEPARATOR}(\\d{4})(?!\\d)`,
  'g',
);
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g, '[pem redacted]'],
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[jwt redacted]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  [/(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/g, '[key redacted]'],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s:@/"]*:[^\s@/"]+@/gi, '$1[redacted]@'],
  [/\bprs_[\w-]{16,}/g, '[credential redacted]'],
];

const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

/** Adds a configured secret (token, key, password) to what every log line is cleaned of. */
export function registerSecret(value: string | undefined): void {
  // Very short values would match ordinary words; the configuration refuses secrets this short anyway.
  if (value === undefined || value.length < 8 || secrets.has(value)) return;
  secrets.add(value);
  const escaped = [...secrets].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  secretPattern = new RegExp(escaped.sort((a, b) => b.length - a.length).join('|'), 'g');
}

/** `text` with NHS numbers masked and secrets removed. */
export function redact(text: string): string {
  let out = secretPattern ? text.replace(secretPattern, '[secret redacted]') : text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(NHS_NUMBER, (_match: string, _a: string, _b: string, last: string) => `*** *** ${last}`);
}

/** Whether `text` still holds anything `redact` would remove (used by tests that scan logs). */
export function findLeaks(text: string): string[] {
  const leaks: string[] = [];
  for (const match of text.matchAll(NHS_NUMBER)) leaks.push(`NHS number ${match[0]}`);
  for (const [pattern] of PATTERNS) for (const match of text.matchAll(pattern)) leaks.push(match[0]);
  for (const secret of secrets) if (text.includes(secret)) leaks.push('a configured secret');
  return leaks;
}
