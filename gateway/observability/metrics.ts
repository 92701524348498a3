import type { Server, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PatientOutcome } from '../availability/index.js';
import type { BreakerState, FailureReason, SupplierBreaker } from '../breakers/index.js';
import type { CacheObserver, RecallOutcome, TierHealth } from '../cache/index.js';
import type { CallOutcome, SupplierObserver } from '../suppliers/observer.js';

const STATES: readonly BreakerState[] = ['CLOSED', 'HALF_OPEN', 'OPEN', 'ISOLATED'];
const label = (state: BreakerState) => state.toLowerCase();

/**
 * The gateway's Prometheus metrics (prom-client), in a registry of its own. Names follow Prometheus
 * conventions: `_total` counters, `_seconds` durations, lower-case label values. docs/operations.md lists
 * them with example queries.
 */
export class GatewayMetrics implements SupplierObserver, CacheObserver {
  readonly registry = new Registry();
  private readonly breakerState: Gauge<'supplier' | 'state'>;
  private readonly transitions: Counter<'supplier' | 'from' | 'to'>;
  private readonly duration: Histogram<'supplier' | 'outcome'>;
  private readonly requests: Counter<'supplier' | 'outcome' | 'reason'>;
  private readonly sections: Counter<'supplier' | 'status'>;
  private readonly lastLive: Gauge<'supplier'>;
  private readonly lookups: Counter<'supplier' | 'result'>;
  private readonly writes: Counter<'supplier' | 'result'>;
  readonly controls: Counter<'supplier' | 'action'>;
  private readonly clinical: Histogram<'code'>;
  private readonly paths: Counter<'path'>;
  private readonly now: () => number;

  constructor(options: {
    cacheHealth: () => readonly TierHealth[];
    now: () => number;
    /** Whether /readyz answers 200 now; without it `patient_gateway_ready` has no sample. */
    ready?: () => boolean;
    /** Whether the audit trail can be written (AuditSink.healthy); without it `..._audit_sink_up` has none. */
    auditHealthy?: () => boolean;
    /** Audit bytes accepted but not yet written (AuditSink.backlogBytes). */
    auditBacklogBytes?: () => number;
    /** Whether the audit trail is behind (AuditSink.behind); without it `..._audit_behind` has none. */
    auditBehind?: () => boolean;
  }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.breakerState = new Gauge({
      name: 'patient_gateway_breaker_state',
      help: 'Circuit breaker state per supplier: 1 for the current state (closed, half_open, open, isolated), 0 for the others',
      labelNames: ['supplier', 'state'],
      registers,
    });
    this.transitions = new Counter({
      name: 'patient_gateway_breaker_transitions_total',
      help: 'Circuit breaker state changes per supplier',
      labelNames: ['supplier', 'from', 'to'],
      registers,
    });
    this.duration = new Histogram({
      name: 'patient_gateway_supplier_request_duration_seconds',
      help: 'Duration of calls to each supplier, including timeouts and refusals by the breaker',
      labelNames: ['supplier', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.requests = new Counter({
      name: 'patient_gateway_supplier_requests_total',
      help: 'Calls to each supplier by outcome (success, failure, rejected by the breaker) and failure reason',
      labelNames: ['supplier', 'outcome', 'reason'],
      registers,
    });
    this.sections = new Counter({
      name: 'patient_gateway_sections_served_total',
      help: "Patients' supplier sections served, by status: live, stale (from cache), fallback (from the domain's national fallback) or unavailable",
      labelNames: ['supplier', 'status'],
      registers,
    });
    this.lastLive = new Gauge({
      name: 'patient_gateway_supplier_last_live_timestamp_seconds',
      help: 'When each supplier last answered live (data age = time() - this)',
      labelNames: ['supplier'],
      registers,
    });
    this.lookups = new Counter({
      name: 'patient_gateway_cache_lookups_total',
      help: 'Stale-cache lookups by result: hit, miss, expired, future-dated, quarantined, purged, unreadable',
      labelNames: ['supplier', 'result'],
      registers,
    });
    this.writes = new Counter({
      name: 'patient_gateway_cache_writes_total',
      help: 'Stale-cache writes by result: written, skipped (written recently), failed',
      labelNames: ['supplier', 'result'],
      registers,
    });
    this.controls = new Counter({
      name: 'patient_gateway_control_actions_total',
      help: 'Operator control actions (isolate, restore, reset, quarantine, lift_quarantine, purge) per supplier',
      labelNames: ['supplier', 'action'],
      registers,
    });
    new Gauge({
      name: 'patient_gateway_cache_tier_up',
      help: 'Whether each cache tier is usable (memory always; redis when REDIS_URL is set): 1 up, 0 down',
      labelNames: ['tier'],
      registers,
      collect() {
        for (const tier of options.cacheHealth()) this.set({ tier: tier.tier }, tier.status === 'up' ? 1 : 0);
      },
    });
    this.clinical = new Histogram({
      name: 'patient_gateway_clinical_request_duration_seconds',
      help: 'Requests to the clinical endpoint by HTTP status code (aborted: the connection closed before the answer was complete)',
      labelNames: ['code'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.paths = new Counter({
      name: 'patient_gateway_clinical_requests_by_path_total',
      help: "Clinical GraphQL requests by the path that answered them: prepared (an operation seen before, run without re-planning) or apollo (Apollo Server's whole pipeline)",
      labelNames: ['path'],
      registers,
    });
    const flag = (name: string, help: string, read: (() => boolean) | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          if (read) this.set(read() ? 1 : 0);
        },
      });
    flag(
      'patient_gateway_ready',
      'Whether this replica takes clinical traffic (/readyz answers 200): 1 ready, 0 starting, draining or unable to audit',
      options.ready,
    );
    flag(
      'patient_gateway_audit_sink_up',
      'Whether the audit trail can be written: 1 up, 0 once a write has failed (it stays 0 until the process restarts)',
      options.auditHealthy,
    );
    flag(
      'patient_gateway_audit_behind',
      'Whether the audit trail is behind: 1 from when its backlog passes AUDIT_MAX_BACKLOG_MB until it is under half of it (clinical requests are refused with AUDIT_UNAVAILABLE meanwhile)',
      options.auditBehind,
    );
    new Gauge({
      name: 'patient_gateway_audit_backlog_bytes',
      help: 'Audit bytes accepted but not yet written (see patient_gateway_audit_behind)',
      registers,
      collect() {
        if (options.auditBacklogBytes) this.set(options.auditBacklogBytes());
      },
    });
    this.now = options.now;
  }

  /**
   * Times every request the clinical endpoint answers, from its arrival to the last byte sent, labelled by
   * HTTP status. A request whose connection closed first (the client gave up, or the answer was cut) is
   * `aborted`, so a hung gateway shows as errors rather than as silence.
   */
  watchRequests(server: Server): void {
    server.on('request', (_req, res: ServerResponse) => {
      const started = performance.now();
      res.once('close', () => {
        const code = res.writableFinished ? String(res.statusCode) : 'aborted';
        this.clinical.observe({ code }, (performance.now() - started) / 1000);
      });
    });
  }

  /** Counts which path answered a clinical GraphQL request (gateway/execution/). */
  answeredBy(path: 'prepared' | 'apollo'): void {
    this.paths.inc({ path });
  }

  /** Follows a breaker's state for the state gauge and the transitions counter. */
  watch(breaker: SupplierBreaker): void {
    const show = (current: BreakerState) => {
      for (const state of STATES)
        this.breakerState.set({ supplier: breaker.supplier, state: label(state) }, state === current ? 1 : 0);
    };
    show(breaker.state);
    breaker.onTransition((t) => {
      this.transitions.inc({ supplier: t.supplier, from: label(t.from), to: label(t.to) });
      show(t.to);
    });
  }

  called(
    supplier: string,
    outcome: CallOutcome,
    reason: FailureReason | undefined,
    durationMs: number,
  ): void {
    this.duration.observe({ supplier, outcome }, durationMs / 1000);
    this.requests.inc({ supplier, outcome, reason: reason?.toLowerCase() ?? '' });
  }

  served(outcomes: readonly PatientOutcome[]): void {
    // Counted per supplier and status, then one increment each: prom-client hashes the labels on every
    // call, so a clinic list of 50 patients costs a few calls, not 50.
    const counts = new Map<string, Map<PatientOutcome['status'], number>>();
    const live = new Set<string>();
    for (const { supplier, status, receivedAt } of outcomes) {
      let byStatus = counts.get(supplier);
      if (!byStatus) counts.set(supplier, (byStatus = new Map<PatientOutcome['status'], number>()));
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      // Copies from the optional freshness window carry receivedAt: only answers from the supplier count.
      if (status === 'LIVE' && receivedAt === undefined) live.add(supplier);
    }
    for (const [supplier, byStatus] of counts) {
      for (const [status, n] of byStatus) this.sections.inc({ supplier, status: status.toLowerCase() }, n);
    }
    if (live.size === 0) return;
    const at = this.now() / 1000;
    for (const supplier of live) this.lastLive.set({ supplier }, at);
  }

  recalled(supplier: string, outcome: RecallOutcome): void {
    this.lookups.inc({ supplier, result: outcome });
  }

  wrote(supplier: string, outcome: string, count: number): void {
    this.writes.inc({ supplier, result: outcome }, count);
  }

  /** Current value of a counter or gauge for some labels (0 when never set), for the ops status. */
  async value(name: string, labels: Record<string, string>): Promise<number> {
    const metric = await this.registry.getSingleMetric(name)?.get();
    return (metric?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
      .reduce((sum, v) => sum + v.value, 0);
  }
}
