/**
 * Reading settings from the environment once, at start-up. Every part (gateway, each supplier) declares
 * its settings as a zod schema; a bad value stops the process with a message that names the variable and
 * quotes what it was given, so an operator can fix it without reading code.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose values are never quoted back: a typo in a secret must not put the secret in a log. */
const SECRET_NAME = /SECRET|TOKEN|KEY|PASSWORD/i;

/**
 * A configured value quoted for a message, with anything before an `@` in each comma-separated part
 * hidden: the user and password of a URL, even one too malformed to parse.
 */
export function quote(value: string): string {
  const hidden = value
    .split(',')
    .map((part) => part.replace(/^(\s*[\w+.-]*:?\/*)?[^@]*@/, '$1[hidden]@'))
    .join(',');
  return JSON.stringify(hidden);
}

/** How a bad value is shown in a message: quoted, or only its length when the variable holds a secret. */
export function describeValue(name: string, given: unknown): string {
  if (given === undefined) return 'nothing';
  if (SECRET_NAME.test(name))
    return `a value of ${typeof given === 'string' ? given.length : '?'} characters (not shown)`;
  return typeof given === 'string' ? quote(given) : JSON.stringify(given);
}

/**
 * Parses `source` with `schema`; throws a ConfigError listing every bad variable with its value (secrets
 * by length only). `values: 'withheld'` names the bad entries without quoting any value, for sources that
 * hold personal data (a patient index snapshot), whose messages reach logs.
 */
export function parseSettings<S extends z.ZodType>(
  schema: S,
  source: Record<string, unknown>,
  options: { readonly values?: 'quoted' | 'withheld' } = {},
): z.output<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      if (options.values === 'withheld') return `${name}: ${issue.message} (value withheld)`;
      const given = issue.path.reduce<unknown>(
        (at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key],
        source,
      );
      return `${name}: ${issue.message}, got ${describeValue(name, given)}`;
    }),
  );
}

/** `what` for a value that is not a number at all; the range messages below otherwise. */
const notANumber = (what: string) => ({
  error: (issue: { code: string }) => (issue.code === 'invalid_type' ? what : undefined),
});

/** An env var holding a TCP port (0 lets the system choose a free one). */
export const port = (fallback: number) =>
  z.coerce
    .number(notANumber('must be a port number'))
    .int('must be a port number')
    .min(0, 'must be a port number')
    .max(65535, 'must be a port number')
    .default(fallback);

/** An env var holding a whole number within bounds (milliseconds, counts, bytes). */
export const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number(notANumber('must be a number'))
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const onOff = (fallback: 'on' | 'off') =>
  z
    .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'must be on or off' })
    .default(fallback)
    .transform((v) => v === 'on' || v === 'true' || v === '1');

export const host = (fallback: string) => z.string().min(1, 'must not be empty').default(fallback);

export const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL');
