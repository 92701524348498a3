import { context, propagation } from '@opentelemetry/api';
import { Pool, type Dispatcher } from 'undici';
import { SupplierFailure } from '../breakers/index.js';

export interface TransportOptions {
  /** Most sockets open to the supplier at once (requests beyond this queue in the pool). */
  readonly connections: number;
  /** A response body larger than this is refused as malformed, so a hostile supplier cannot exhaust memory. */
  readonly maxResponseBytes: number;
}

export interface SupplierResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * HTTP to one supplier over a keep-alive connection pool (undici). Every failure becomes a SupplierFailure:
 * CONNECTION_FAILED when no answer arrived, MALFORMED_RESPONSE when the body was cut short or too large.
 * An aborted call rejects with the abort reason (the timeout's failure).
 */
export class HttpTransport {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    readonly url: string,
    private readonly options: TransportOptions,
  ) {
    const parsed = new URL(url);
    this.path = `${parsed.pathname}${parsed.search}`;
    this.pool = new Pool(parsed.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: 2_000 },
    });
  }

  /**
   * Posts `body`. When a span is active (tracing on, inside a supplier call), its W3C `traceparent` goes
   * with the request, so the supplier's own traces join the clinician's request.
   */
  async post(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<SupplierResponse> {
    const sent: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    propagation.inject(context.active(), sent);
    let response;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: { ...sent, ...headers },
        body,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const code = (error as { code?: string }).code ?? (error as Error).name;
      throw new SupplierFailure('CONNECTION_FAILED', code);
    }
    try {
      return { status: response.statusCode, body: await this.readBody(response) };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof SupplierFailure) throw error;
      throw new SupplierFailure(
        'MALFORMED_RESPONSE',
        `response cut short (${(error as { code?: string }).code ?? 'closed'})`,
      );
    }
  }

  /** The body as text, refusing more than maxResponseBytes (declared up front, or counted as it streams). */
  private async readBody(response: Dispatcher.ResponseData): Promise<string> {
    const limit = this.options.maxResponseBytes;
    const tooLarge = () => new SupplierFailure('MALFORMED_RESPONSE', `response larger than ${limit} bytes`);
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared)) {
      if (declared > limit) {
        response.body.destroy();
        throw tooLarge();
      }
      return response.body.text();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Closes now, failing any request still in flight. */
  close(): Promise<void> {
    return this.pool.destroy();
  }

  /** Takes no new requests and closes once those in flight have finished. */
  drain(): Promise<void> {
    return this.pool.close();
  }
}
