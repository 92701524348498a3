/**
 * OpenTelemetry traces, off unless OTEL_TRACES=on. When on, one tracer provider is registered for the
 * process: the gateway's own spans (the clinical request, each supplier call) and @apollo/gateway's
 * (gateway.request, gateway.plan, gateway.fetch, ...) go through a batch processor to an OTLP/HTTP
 * collector, with W3C trace context read from clinical apps and sent on to suppliers.
 *
 * What leaves the process is governed like a log line: every span passes through `RedactingExporter`
 * on its way out (lib/redact.ts: NHS numbers masked, tokens, keys and configured secrets removed), as
 * a safety net behind the rule that no span is given an identifier in the first place.
 */
import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  trace,
  type Attributes,
  type AttributeValue,
  type ProxyTracerProvider,
} from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from '../../lib/logger.js';
import { redact } from '../../lib/redact.js';

export interface TracingSettings {
  /** OTEL_TRACES=on. Off: no provider is registered, every span is a no-op and nothing is exported. */
  readonly enabled: boolean;
  /** The collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans are posted to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** `service.name` on every span (OTEL_SERVICE_NAME). */
  readonly serviceName: string;
  /** Longest a finished span waits before its batch is exported (OTEL_BSP_SCHEDULE_DELAY). */
  readonly scheduledDelayMs: number;
}

export interface TracingDependencies {
  readonly logger: Logger;
  /** `service.instance.id`: this replica's name. */
  readonly replica: string;
  /** Replaces the OTLP exporter (tests pass an InMemorySpanExporter); still behind the redaction. */
  readonly exporter?: SpanExporter;
}

/** The running provider. `shutdown` exports what is still batched, then unregisters everything. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/** Name of the gateway's own tracer (the instrumentation scope of its spans). */
export const GATEWAY_TRACER = 'patient-record-gateway';

/** The gateway's tracer: a no-op until (and unless) `startTracing` registers a provider. */
export const gatewayTracer = () => trace.getTracer(GATEWAY_TRACER);

/**
 * Registers the process's tracer provider when tracing is on; resolves with undefined when it is off.
 *
 * One provider per process: @apollo/gateway takes its tracer once, at module load, and that tracer stays
 * bound to the first provider registered, so a second gateway in the same process (after this one shut
 * down) would lose Apollo's spans. Throws if some other provider is already registered.
 */
export async function startTracing(
  settings: TracingSettings,
  deps: TracingDependencies,
): Promise<Tracing | undefined> {
  if (!settings.enabled) return undefined;
  // Loaded only when tracing is on, so a replica without it does not hold the SDK and the exporter (with
  // the inspector's lazy load, peak RSS at 100 connections fell from 190-192 to 185-187 MB).
  const [{ OTLPTraceExporter }, { defaultResource, resourceFromAttributes }, sdk] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  const { AlwaysOnSampler, BatchSpanProcessor, NodeTracerProvider } = sdk;
  // A hung collector holds an export, and the last flush at shutdown, for at most this long: stopping
  // stays within the drain's bound.
  const exportTimeoutMs = 3_000;
  const url = `${settings.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const exporter = new RedactingExporter(
    deps.exporter ?? new OTLPTraceExporter({ url, timeoutMillis: exportTimeoutMs }),
  );
  // The provider's and processor's settings are all given here, so none comes from an OTEL_* variable the
  // configuration has not checked (the exporter still reads the standard headers and certificate ones).
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.name': settings.serviceName, 'service.instance.id': deps.replica }),
    ),
    // The gateway traces every request it serves, whatever sampling flag a client sent.
    sampler: new AlwaysOnSampler(),
    spanLimits: {
      attributeCountLimit: 128,
      attributeValueLengthLimit: 1_024,
      eventCountLimit: 128,
      linkCountLimit: 16,
      attributePerEventCountLimit: 32,
      attributePerLinkCountLimit: 32,
    },
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        scheduledDelayMillis: settings.scheduledDelayMs,
        maxQueueSize: 2_048,
        maxExportBatchSize: 512,
        exportTimeoutMillis: exportTimeoutMs,
      }),
    ],
  });
  // AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  if ((trace.getTracerProvider() as ProxyTracerProvider).getDelegate() !== provider) {
    void provider.shutdown();
    throw new Error('OTEL_TRACES=on: another OpenTelemetry tracer provider is already registered');
  }
  // Export failures (a collector down) would otherwise be silent; they go to the log, redacted like any line.
  diag.setLogger(
    {
      error: (message) => deps.logger.warn(`opentelemetry: ${message}`),
      warn: (message) => deps.logger.warn(`opentelemetry: ${message}`),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  deps.logger.info(
    { endpoint: deps.exporter ? 'injected' : settings.endpoint, service: settings.serviceName },
    'OpenTelemetry traces on',
  );
  return {
    shutdown: async () => {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
        diag.disable();
      }
    },
  };
}

/** Wraps an exporter: each span's name, attributes, events, links and status message pass `redact`. */
export class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(redactSpan), done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function redactSpan(span: ReadableSpan): ReadableSpan {
  const { status } = span;
  return {
    name: redact(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    status: status.message === undefined ? status : { ...status, message: redact(status.message) },
    attributes: redactAttributes(span.attributes),
    links: span.links.map((link) => ({ ...link, attributes: redactAttributes(link.attributes ?? {}) })),
    events: span.events.map((event) => ({
      ...event,
      name: redact(event.name),
      attributes: redactAttributes(event.attributes ?? {}),
    })),
  };
}

function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) out[redact(key)] = redactValue(value);
  return out;
}

function redactValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value))
    return value.map((v: unknown) => (typeof v === 'string' ? redact(v) : v)) as AttributeValue;
  return value;
}
