/**
 * The soak's fault schedule: compound faults over a 5-minute cycle, repeated for the whole run. Each step
 * names what it does; the runner logs it and marks it on the chart.
 */
export interface FaultStep {
  /** Seconds into each cycle. */
  readonly at: number;
  readonly does: string;
  readonly run: (parts: FaultTargets) => Promise<void>;
}

export interface FaultTargets {
  supplierFaults(name: string, settings: Record<string, unknown>): Promise<void>;
  killSupplier(name: string): Promise<void>;
  restartSupplier(name: string): Promise<void>;
  restartRedis(): Promise<void>;
  restartReplica(index: number): Promise<void>;
  ops(path: string, body: Record<string, unknown>): Promise<void>;
  somePatient(): string;
}

export const CYCLE_S = 300;

export const FAULT_SCHEDULE: readonly FaultStep[] = [
  {
    at: 20,
    does: 'gp-birch flaps (1 s healthy, 1 s HTTP 500)',
    run: (t) => t.supplierFaults('gp-birch', { mode: 'flap', periodMs: 1_000, failure: 'http-500' }),
  },
  { at: 60, does: 'hospital-leeds hangs', run: (t) => t.supplierFaults('hospital-leeds', { mode: 'hang' }) },
  { at: 100, does: 'hospital-leeds killed', run: (t) => t.killSupplier('hospital-leeds') },
  { at: 120, does: 'gp-birch healthy', run: (t) => t.supplierFaults('gp-birch', { mode: 'none' }) },
  { at: 140, does: 'Redis restarted', run: (t) => t.restartRedis() },
  { at: 160, does: 'hospital-leeds back', run: (t) => t.restartSupplier('hospital-leeds') },
  {
    at: 180,
    does: 'ops isolate gp-cedar',
    run: (t) => t.ops('/api/suppliers/gp-cedar/isolate', { reason: 'soak: simulated SOC isolation' }),
  },
  { at: 200, does: 'replica 2 restarted', run: (t) => t.restartReplica(1) },
  {
    at: 220,
    does: 'ops restore gp-cedar',
    run: (t) => t.ops('/api/suppliers/gp-cedar/restore', { reason: 'soak: all clear' }),
  },
  {
    at: 250,
    does: "ops purge one patient's copies",
    run: (t) => t.ops('/api/patients/purge', { nhsNumber: t.somePatient(), reason: 'soak: purge drill' }),
  },
];
