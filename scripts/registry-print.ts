/** How the registry CLI prints answers: one line per gate, entry or event, readable in a CI log. */
import type { EntryEvent, GateResult } from '../gateway/registry/index.js';

const mark = (status: string) => (status === 'passed' ? '✓' : status === 'failed' ? '✗' : '-');

export function printGates(gates: readonly GateResult[] | undefined): void {
  for (const g of gates ?? []) {
    const code = g.code ? ` ${g.code}:` : '';
    console.log(
      `  ${mark(g.status)} ${g.gate.padEnd(16)} ${String(g.durationMs).padStart(5)} ms${code} ${g.message}`,
    );
  }
}

interface Listed {
  readonly revision: number;
  readonly entries: readonly {
    key: string;
    active: number;
    latest: { version: number; state: string; at: string } | null;
  }[];
  readonly runtime?: { source: string; revision: number; problem: string | null };
}

export function printList(body: Listed): void {
  const runtime = body.runtime
    ? `, this replica serves revision ${body.runtime.revision} from ${body.runtime.source}`
    : '';
  console.log(`registry revision ${body.revision}${runtime}`);
  if (body.runtime?.problem) console.log(`  problem: ${body.runtime.problem}`);
  if (body.entries.length === 0)
    console.log('  no entries: the configured market and committed supergraph are in service');
  for (const e of body.entries) {
    const latest =
      e.latest && e.latest.version !== e.active ? `  (v${e.latest.version} ${e.latest.state})` : '';
    console.log(
      `  ${e.key.padEnd(32)} in service: ${e.active === 0 ? 'configured/none' : `v${e.active}`}${latest}`,
    );
  }
}

interface Shown {
  readonly key: string;
  readonly active: number;
  readonly versions: readonly {
    version: number;
    state: string;
    by: string;
    at: string;
    reason: string;
    gates: readonly GateResult[];
  }[];
  readonly events: readonly EntryEvent[];
}

export function printEntry(body: Shown): void {
  console.log(`${body.key}: in service ${body.active === 0 ? 'configured/none' : `v${body.active}`}`);
  for (const v of body.versions) {
    const failed = v.gates.filter((g) => g.status === 'failed').map((g) => g.code);
    console.log(
      `  v${v.version} ${v.state.padEnd(16)} ${v.at} by ${v.by}: ${v.reason}${failed.length ? ` (refused ${failed.join(', ')})` : ''}`,
    );
  }
  console.log('  history:');
  for (const e of body.events) {
    console.log(
      `    r${e.revision} ${e.at} ${e.action.padEnd(8)} v${e.version} -> in service v${e.active} by ${e.by}: ${e.reason}`,
    );
  }
}
