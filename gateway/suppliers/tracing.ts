import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { BreakerState, FailureReason } from '../breakers/index.js';
import { gatewayTracer } from '../observability/tracing.js';
import type { CallOutcome } from './observer.js';

/** What a supplier call's span is told before the call: never a patient, only how many. */
export interface SupplierCallStart {
  readonly supplier: string;
  readonly domain: string;
  readonly url: string;
  /** The breaker's state when the call was asked for (OPEN or ISOLATED: it will be refused unsent). */
  readonly breaker: BreakerState;
  readonly patients: number;
}

/**
 * The CLIENT span of one call to a supplier (`supplier.call`). It is a child of whatever span is active
 * when it starts — Apollo's `gateway.fetch` inside the clinical request's span — and `within` makes it the
 * active span for the call, so the transport sends its `traceparent` to the supplier. A no-op when
 * tracing is off.
 */
export class SupplierCallSpan {
  private readonly span: Span;

  constructor(start: SupplierCallStart) {
    this.span = gatewayTracer().startSpan('supplier.call', {
      kind: SpanKind.CLIENT,
      attributes: {
        'supplier.name': start.supplier,
        'supplier.domain': start.domain,
        'supplier.breaker_state': start.breaker,
        'supplier.patients': start.patients,
      },
    });
    if (this.span.isRecording()) {
      const url = new URL(start.url);
      this.span.setAttribute('server.address', url.hostname);
      if (url.port) this.span.setAttribute('server.port', Number(url.port));
    }
  }

  /** Runs `call` with this span active (the breaker, its timeout and the HTTP request all see it). */
  within<T>(call: () => Promise<T>): Promise<T> {
    return context.with(trace.setSpan(context.active(), this.span), call);
  }

  /** The supplier's HTTP status, once an answer arrived. */
  httpStatus(status: number): void {
    this.span.setAttribute('http.response.status_code', status);
  }

  /** Ends the span with the call's outcome; a failure is recorded by its reason code only, never its detail. */
  end(outcome: CallOutcome, reason: FailureReason | undefined): void {
    this.span.setAttribute('supplier.outcome', outcome);
    if (reason !== undefined) {
      this.span.setAttribute('supplier.failure_reason', reason);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    }
    this.span.end();
  }
}
