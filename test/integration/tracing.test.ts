import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { findLeaks } from '../../lib/redact.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { generatePopulation } from '../../subgraphs/synthetic/index.js';
import { eventually, startTestGateway } from '../helpers/gateway.js';

const { fixtures } = generatePopulation();
const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

const RECORD = `query Record($n: String!) {
  patient(nhsNumber: $n) { demographics { familyName } medications { status } encounters { class } }
}`;

/** A W3C trace context as a clinical app would send it. */
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

let gp: TestSupplier;
let hospital: TestSupplier;
let requests = 0;

beforeAll(async () => {
  [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
});
afterAll(async () => {
  await Promise.all([gp?.stop(), hospital?.stop()]);
});

/** Posts a lookup with its own request id, so its spans can be told from every other request's. */
async function post(
  gateway: RunningGateway,
  headers: Record<string, string> = {},
  body: { query: string; variables?: Record<string, unknown> } = {
    query: RECORD,
    variables: { n: fixtures.sample },
  },
) {
  const requestId = `tracing-test-${++requests}`;
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  await response.text();
  return requestId;
}

const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const attribute = (span: ReadableSpan, name: string) => span.attributes[name];

// One tracing gateway for the whole file: @apollo/gateway's tracer stays bound to the first provider
// registered in a process (gateway/observability/tracing.ts), so a second would lose Apollo's spans.
describe('traces with OTEL_TRACES=on', () => {
  const exporter = new InMemorySpanExporter();
  let gateway: RunningGateway;
  const spans = () => exporter.getFinishedSpans();
  const supplierOf = (name: string) => gateway.suppliers.find((s) => s.name === name)!;

  beforeAll(async () => {
    gateway = await startTestGateway(
      { gp, hospital },
      {
        OTEL_TRACES: 'on',
        OTEL_BSP_SCHEDULE_DELAY: '20',
        OTEL_SERVICE_NAME: 'gateway-under-test',
        // The GP breaker stays open once opened; the hospital's half-opens at once and probes. No idle probes.
        BREAKER_RESET_TIMEOUT_MS: '600000',
        HOSPITAL_BREAKER_RESET_TIMEOUT_MS: '200',
        BREAKER_IDLE_PROBE_MS: '0',
      },
      { traceExporter: exporter },
    );
  });
  afterAll(async () => {
    await gateway?.close();
  });

  /** The request's SERVER span and, once they have all been exported, the spans of its trace. */
  async function traceOf(requestId: string, clientSpans: number) {
    let root: ReadableSpan | undefined;
    const inTrace = () => spans().filter((s) => s.spanContext().traceId === root!.spanContext().traceId);
    const clients = () => inTrace().filter((s) => s.kind === SpanKind.CLIENT);
    await eventually(
      () => {
        root = spans().find((s) => s.attributes['gateway.request_id'] === requestId);
        return root !== undefined && clients().length >= clientSpans;
      },
      5_000,
      `the spans of ${requestId}`,
    );
    return { root: root!, all: inTrace(), clients: clients() };
  }

  /** Span names from `span` up to the root of its trace. */
  function ancestry(span: ReadableSpan, all: readonly ReadableSpan[]): string[] {
    const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
    const names: string[] = [];
    for (let at: ReadableSpan | undefined = span; at; at = byId.get(parentId(at) ?? '')) names.push(at.name);
    return names;
  }

  it('gives one lookup one trace: the request span, Apollo’s spans, and a CLIENT span per supplier called', async () => {
    const requestId = await post(gateway);
    const { root, all, clients } = await traceOf(requestId, 2);
    expect(root).toMatchObject({ name: 'clinical.request', kind: SpanKind.SERVER });
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.resource.attributes['service.name']).toBe('gateway-under-test');
    expect(root.attributes).toMatchObject({
      'graphql.operation.name': 'Record',
      'clinical.patients': 1,
      'clinical.outcome': 'complete',
      'clinical.availability.gp': 'LIVE',
      'clinical.availability.hospital': 'LIVE',
      'http.response.status_code': 200,
    });
    expect(all.filter((s) => s.name === 'clinical.request')).toHaveLength(1);
    expect(clients.map((s) => attribute(s, 'supplier.name')).sort()).toEqual(['gp', 'hospital']);
    for (const span of clients) {
      expect(span.name).toBe('supplier.call');
      expect(span.attributes).toMatchObject({
        'supplier.domain': attribute(span, 'supplier.name'),
        'supplier.breaker_state': 'CLOSED',
        'supplier.outcome': 'success',
        'supplier.patients': 1,
        'http.response.status_code': 200,
      });
      // Through the breaker and Apollo's fetch of the domain, up to the request's span.
      expect(ancestry(span, all)).toEqual([
        'supplier.call',
        'gateway.fetch',
        'gateway.execute',
        'gateway.request',
        'clinical.request',
      ]);
    }
    // Each supplier was sent the trace, naming its own call's span as the parent.
    for (const supplier of [gp, hospital]) {
      const call = clients.find((s) => attribute(s, 'supplier.name') === supplier.name)!;
      const { traceId, spanId } = call.spanContext();
      expect((await supplier.stats()).lastTraceparent).toBe(`00-${traceId}-${spanId}-01`);
    }
  });

  it('continues the trace a clinical app sends, and passes on none of its tracestate or baggage', async () => {
    const requestId = await post(gateway, {
      traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      tracestate: `vendor=${fixtures.sample}`,
      baggage: `patient=${fixtures.sample}`,
    });
    const { root, clients } = await traceOf(requestId, 2);
    expect(root.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(root.parentSpanContext).toMatchObject({ spanId: CLIENT_SPAN, isRemote: true });
    expect(root.spanContext().traceState).toBeUndefined();
    for (const span of clients) expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
    expect((await gp.stats()).lastTraceparent).toMatch(new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-01$`));
  });

  it('records a failing supplier’s reason and breaker state on its span: refused unsent once the breaker opens', async () => {
    const breaker = supplierOf('gp').breaker;
    await gp.kill();
    try {
      const down = await traceOf(await post(gateway), 2);
      const failed = down.clients.find((s) => attribute(s, 'supplier.name') === 'gp')!;
      expect(failed.attributes).toMatchObject({
        'supplier.breaker_state': 'CLOSED',
        'supplier.outcome': 'failure',
        'supplier.failure_reason': 'CONNECTION_FAILED',
      });
      expect(failed.attributes['http.response.status_code']).toBeUndefined();
      expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'CONNECTION_FAILED' });
      expect(['STALE', 'UNAVAILABLE']).toContain(down.root.attributes['clinical.availability.gp']);
      expect(down.root.attributes['clinical.availability.gp.reason']).toBe('CONNECTION_FAILED');
      expect(down.root.attributes['clinical.availability.hospital']).toBe('LIVE');

      for (let i = 0; i < 10 && breaker.state !== 'OPEN'; i++) await post(gateway);
      expect(breaker.state).toBe('OPEN');
      const open = await traceOf(await post(gateway), 2);
      const refused = open.clients.find((s) => attribute(s, 'supplier.name') === 'gp')!;
      expect(refused.attributes).toMatchObject({
        'supplier.breaker_state': 'OPEN',
        'supplier.outcome': 'rejected',
        'supplier.failure_reason': 'BREAKER_OPEN',
      });
    } finally {
      await gp.restart();
      for (const s of gateway.suppliers) s.breaker.reset('test clean-up');
    }
  });

  it('sends no traceparent with the breaker’s own probe, though its timer was set during a traced call', async () => {
    const breaker = supplierOf('hospital').breaker;
    const before = await hospital.stats();
    await hospital.faults({ mode: 'http-500' });
    try {
      for (let i = 0; i < 10 && breaker.state === 'CLOSED'; i++) await post(gateway);
      expect(breaker.state).not.toBe('CLOSED');
      await hospital.faults({ mode: 'none' });
      await eventually(() => breaker.state === 'CLOSED', 5_000, 'a half-open probe to close the breaker');
      const after = await hospital.stats();
      // Every clinician's call carried its request's trace; the probes, the gateway's own traffic, none.
      expect(after.traced - before.traced).toBeGreaterThan(0);
      expect(after.requests - before.requests).toBeGreaterThan(after.traced - before.traced);
    } finally {
      await hospital.faults({ mode: 'none' });
      for (const s of gateway.suppliers) s.breaker.reset('test clean-up');
    }
  });

  it('never puts an NHS number in a span: not from literals, operation names, request ids or trace headers', async () => {
    const tempting: {
      headers?: Record<string, string>;
      query: string;
      variables?: Record<string, unknown>;
    }[] = [
      { query: RECORD, variables: { n: fixtures.restricted } },
      { query: `{ patient(nhsNumber: "${spaced(fixtures.sample)}") { nhsNumber medications { status } } }` },
      {
        query: `query Record${fixtures.noGpRecord} { patient(nhsNumber: "${fixtures.noGpRecord}") { nhsNumber } }`,
      },
      { query: RECORD, variables: { n: fixtures.unknown } },
      { query: `{ patients(nhsNumbers: ["${fixtures.multiTrust}", "9876544321"]) { nhsNumber } }` },
      {
        headers: {
          'x-request-id': fixtures.sample,
          tracestate: `k=${fixtures.sample}`,
          baggage: `n=${fixtures.sample}`,
        },
        query: RECORD,
        variables: { n: fixtures.sample },
      },
    ];
    const before = spans().filter((s) => s.name === 'clinical.request').length;
    for (const { headers, query, variables } of tempting) {
      await post(gateway, headers, variables ? { query, variables } : { query });
    }
    await eventually(
      () => spans().filter((s) => s.name === 'clinical.request').length >= before + tempting.length,
      5_000,
      'every request span',
    );
    // The operation name was recorded, and masked.
    expect(spans().map((s) => s.attributes['graphql.operation.name'])).toContain(
      `Record*** *** ${fixtures.noGpRecord.slice(6)}`,
    );
    const numbers = [
      fixtures.sample,
      fixtures.restricted,
      fixtures.noGpRecord,
      fixtures.unknown,
      fixtures.multiTrust,
    ];
    for (const span of spans()) {
      const text = JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        links: span.links,
        status: span.status,
        traceState: span.spanContext().traceState?.serialize(),
        resource: span.resource.attributes,
      });
      expect(findLeaks(text), text).toEqual([]);
      for (const n of numbers) {
        expect(text).not.toContain(n);
        expect(text).not.toContain(spaced(n));
      }
    }
  });
});

describe('traces with OTEL_TRACES unset (the default)', () => {
  it('registers no tracer provider, exports nothing and sends suppliers no traceparent', async () => {
    const exporter = new InMemorySpanExporter();
    const gateway = await startTestGateway({ gp, hospital }, {}, { traceExporter: exporter });
    try {
      const probe = trace.getTracer('tracing-test').startSpan('probe');
      expect(probe.isRecording()).toBe(false);
      probe.end();
      const before = await gp.stats();
      await post(gateway);
      const after = await gp.stats();
      expect(after.requests).toBeGreaterThan(before.requests);
      expect(after.traced).toBe(before.traced);
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await gateway.close();
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
