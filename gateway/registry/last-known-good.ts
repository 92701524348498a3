import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Market } from '../directory/index.js';
import type { RegistryState } from './entries.js';
import { registryStateSchema } from './persisted.js';

/** What a replica last served successfully: enough to serve it again with Redis down at start-up. */
export interface Snapshot {
  readonly state: RegistryState;
  readonly supergraphSdl: string;
  /** Each domain's contract (own SDL) in that supergraph: its data sources are built from them. */
  readonly domainSdl: Readonly<Record<string, string>>;
  readonly market: Market;
  readonly savedAt: string;
  readonly replica: string;
}

const snapshotSchema = z.object({
  format: z.literal(1),
  state: registryStateSchema,
  supergraphSdl: z.string().min(1),
  domainSdl: z.record(z.string(), z.string()),
  market: z.object({
    domains: z.array(z.object({ name: z.string(), serves: z.string(), fallback: z.string().optional() })),
    organisations: z.array(z.object({ odsCode: z.string(), name: z.string(), type: z.string() })),
    suppliers: z.array(
      z.object({
        name: z.string(),
        domain: z.string(),
        url: z.string(),
        organisations: z.array(z.string()),
        contact: z.string().optional(),
        breaker: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  }),
  savedAt: z.string(),
  replica: z.string(),
});

/**
 * The last-known-good copy on this replica's disk (REGISTRY_STATE_FILE): written after every change it
 * applied, read at start-up when Redis cannot be reached. Written to a temporary file and renamed, so a
 * crash mid-write leaves the previous copy whole.
 */
export class LastKnownGood {
  constructor(readonly file: string) {}

  async read(): Promise<Snapshot | { readonly problem: string } | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return { problem: `cannot read ${this.file}: ${(error as Error).message}` };
    }
    try {
      const parsed = snapshotSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        const { format: _format, ...snapshot } = parsed.data;
        return snapshot as Snapshot;
      }
      return { problem: `${this.file} is not a registry snapshot (${parsed.error.issues.length} problems)` };
    } catch {
      return { problem: `${this.file} is not JSON` };
    }
  }

  async write(snapshot: Snapshot): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ format: 1, ...snapshot }), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
