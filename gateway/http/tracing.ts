import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';
import { gatewayTracer } from '../observability/tracing.js';
import { RejectedRequest } from './request.js';

/** Where the clinical request's span is kept in the OpenTelemetry context, below Apollo's own spans. */
const REQUEST_SPAN = createContextKey('patient-record-gateway.clinical-request');

const requestSpan = (): Span | undefined => context.active().getValue(REQUEST_SPAN) as Span | undefined;

/**
 * The trace a clinical app's `traceparent` names, and nothing else it sent: its `tracestate` and `baggage`
 * are dropped at this boundary, so no value a client chose travels on to suppliers or into exported spans.
 */
function clientParent(req: IncomingMessage): Context {
  const parent = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, req.headers));
  if (!parent || !trace.isSpanContextValid(parent)) return ROOT_CONTEXT;
  const { traceId, spanId, traceFlags } = parent;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, isRemote: true });
}

/**
 * Runs one clinical request (`run`) inside its SERVER span, `clinical.request`: a child of the client's
 * trace when it sent a `traceparent`, otherwise a new trace. Every span the request leads to (Apollo's,
 * each supplier call) descends from it through the async context. The span ends when the response is
 * closed, with the HTTP status; a request refused before GraphQL runs is marked `refused` with its code.
 * `run`'s result or rejection is passed through unchanged. A no-op when tracing is off.
 */
export function traceClinicalRequest<T>(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  run: () => Promise<T>,
): Promise<T> {
  const parent = clientParent(req);
  const span = gatewayTracer().startSpan(
    'clinical.request',
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method ?? 'UNKNOWN', 'gateway.request_id': requestId },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  const active = trace.setSpan(parent, span).setValue(REQUEST_SPAN, span);
  return context.with(active, run).catch((error: unknown) => {
    if (!span.isRecording()) throw error;
    if (error instanceof RejectedRequest) {
      span.setAttributes({ 'clinical.outcome': 'refused', 'clinical.refusal': error.code });
    } else {
      // The error itself is not recorded: library messages can quote what a client sent.
      span.setAttribute('clinical.outcome', 'error');
    }
    throw error;
  });
}

/**
 * Writes what the request came to onto its `clinical.request` span, as the response is sent: the
 * operation's name, how many patients were asked about (a count, never who), the outcome and error codes,
 * and per supplier (or, for a restricted patient, per domain) the availability status clients are shown.
 * GraphQL variables and the document are never recorded.
 */
export function requestSpanPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          const span = requestSpan();
          if (!span?.isRecording()) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = result?.errors ?? [];
          const codeOf = (e: (typeof errors)[number]) =>
            typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN';
          const codes = [...new Set(errors.map(codeOf))].sort();
          const outcome = errors.length === 0 ? 'complete' : result?.data ? 'partial' : 'failed';
          span.setAttributes({
            'clinical.outcome': outcome,
            'clinical.patients': new Set(contextValue.lookups.map((l) => l.nhsNumber)).size,
            ...(operationName ? { 'graphql.operation.name': operationName } : {}),
            ...(codes.length > 0 ? { 'clinical.error_codes': codes } : {}),
          });
          for (const [shown, entry] of Object.entries(contextValue.availability.availability())) {
            span.setAttribute(`clinical.availability.${shown}`, entry.status);
            if (entry.reason) span.setAttribute(`clinical.availability.${shown}.reason`, entry.reason);
          }
        },
      };
    },
  };
}
