import { effective } from '../effective.js';
import type { EntrySpec, GateResult, RegistryState } from '../entries.js';
import { publish } from '../state.js';
import { breakingChangesGate, conformanceGate, healthGate } from './live-gates.js';
import type { Candidate, Gate, GateParts } from './parts.js';
import { compositionGate, contractGate, marketGate } from './static-gates.js';

export { GATE_CODES, type GateCode, type GateParts } from './parts.js';
export { CONFORMANCE_CHECKS } from '../conformance/suite.js';

/** In order: the cheap checks on the entry itself first, then the ones that call the endpoint. */
const GATES: readonly Gate[] = [
  marketGate,
  contractGate,
  compositionGate,
  healthGate,
  breakingChangesGate,
  conformanceGate,
];

/**
 * Every gate's verdict on `spec` as a change to `state`. Gates run in order and stop at the first refusal
 * (the rest are `skipped`, saying so). Nothing is changed: this is also the dry run.
 */
export async function runGates(
  spec: EntrySpec,
  state: RegistryState,
  parts: GateParts,
): Promise<GateResult[]> {
  const actor = { by: 'gates', reason: 'candidate', at: new Date(parts.now()).toISOString() };
  const candidate: Candidate = {
    spec,
    live: effective(parts.bootstrap, state),
    next: effective(parts.bootstrap, publish(state, spec, [], actor, false).state),
    served: new Map(),
  };
  const results: GateResult[] = [];
  let refusedBy: string | undefined;
  for (const gate of GATES) {
    if (refusedBy) {
      results.push({
        gate: gate.name,
        status: 'skipped',
        message: `not run: the ${refusedBy} gate refused`,
        durationMs: 0,
      });
      continue;
    }
    const started = performance.now();
    let verdict;
    try {
      verdict = await gate.run(candidate, parts);
    } catch (error) {
      verdict = { status: 'failed' as const, code: 'GATE_ERROR', message: (error as Error).message };
    }
    results.push({ gate: gate.name, ...verdict, durationMs: Math.round(performance.now() - started) });
    if (verdict.status === 'failed') refusedBy = gate.name;
  }
  return results;
}
