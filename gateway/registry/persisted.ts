import { z } from 'zod';
import { entrySpecSchema, type RegistryState } from './entries.js';

/**
 * The registry's state as it is read back from Redis or the last-known-good file: checked field by field,
 * because neither is trusted blindly (a state that does not parse is ignored, never half-applied).
 */
const actor = { by: z.string().max(200), reason: z.string().max(1_000), at: z.string().max(40) };

const gateSchema = z.object({
  gate: z.enum(['market', 'contract', 'composition', 'breaking-changes', 'health', 'conformance']),
  status: z.enum(['passed', 'failed', 'skipped']),
  code: z.string().max(64).optional(),
  message: z.string().max(20_000),
  details: z.unknown().optional(),
  durationMs: z.number(),
});

const approvalSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('not-required') }),
  z.object({ state: z.literal('pending') }),
  z.object({ state: z.literal('approved'), ...actor }),
  z.object({ state: z.literal('rejected'), ...actor }),
]);

const entrySchema = z.object({
  key: z.string().regex(/^(supplier|domain)\/[a-z][a-z0-9-]{1,62}$/),
  versions: z.array(
    z.object({
      version: z.number().int().positive(),
      spec: entrySpecSchema,
      ...actor,
      gates: z.array(gateSchema),
      approval: approvalSchema,
    }),
  ),
  active: z.number().int().nonnegative(),
  events: z.array(
    z.object({
      action: z.enum(['publish', 'approve', 'reject', 'rollback']),
      version: z.number().int().nonnegative(),
      active: z.number().int().nonnegative(),
      ...actor,
      revision: z.number().int().positive(),
    }),
  ),
});

export const registryStateSchema = z.object({
  revision: z.number().int().nonnegative(),
  entries: z.record(z.string(), entrySchema),
  credentials: z.record(
    z.string(),
    z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), issuedBy: z.string().max(200), at: z.string() }),
  ),
});

/** A state read from outside the process, or undefined when it is not one. */
export function parseState(text: string): RegistryState | undefined {
  try {
    const parsed = registryStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as RegistryState) : undefined;
  } catch {
    return undefined;
  }
}
