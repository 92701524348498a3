import { request as httpRequest } from 'node:http';
import { TEST_OPS_TOKEN } from '../helpers/gateway.js';
import { tokenFor, type SecurityStack, type Target } from './stack.js';

/** What came back, read once. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  readonly json: unknown;
}

export type Send = (stack: SecurityStack) => Promise<Answer>;

/** One hostile input: how to send it, and exactly what must come back. */
export interface HostileCase {
  readonly category: string;
  readonly name: string;
  readonly send: Send;
  readonly status: number;
  /** The documented code the answer carries (`errors[].extensions.code`, or `error.code` on the ops port). */
  readonly code: string | undefined;
  /** More to check about the answer. */
  readonly check?: (answer: Answer, stack: SecurityStack) => void | Promise<void>;
  /** The answer legitimately holds patient data, so NHS numbers in it are not a leak. */
  readonly patientData?: boolean;
  /** The case breaks a supplier on purpose, so supplier failures are expected while it runs. */
  readonly failsSupplier?: boolean;
}

/** A case table row: everything but the category, which each table adds. */
export type Row = Omit<HostileCase, 'category'>;

export const row = (
  name: string,
  send: Send,
  status: number,
  code: string | undefined,
  more: Partial<Row> = {},
): Row => ({ name, send, status, code, ...more });

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  /** A string is sent with its length; an array of chunks is sent chunked. */
  readonly body?: string | readonly string[];
}

/**
 * Sends exactly what it is given (paths are not normalised, as fetch would, so traversal attempts reach
 * the server as written) and reads the answer. A connection reset is an answer too: status 0.
 */
export function raw(origin: string, init: RawRequest = {}): Promise<Answer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const chunked = Array.isArray(init.body);
    let answered = false;
    const req = httpRequest(
      {
        hostname,
        port,
        method: init.method ?? 'POST',
        path: init.path ?? '/graphql',
        headers: {
          ...(typeof init.body === 'string' ? { 'content-length': Buffer.byteLength(init.body) } : {}),
          ...(chunked ? { 'transfer-encoding': 'chunked' } : {}),
          ...init.headers,
        },
      },
      (res) => {
        // A client stops sending once the server has answered (an early 413), ending its body: so does this one.
        answered = true;
        req.end();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    // A reset before any answer is an answer too (status 0); after one, the answer stands.
    req.on('error', () => answered || resolve({ status: 0, headers: {}, text: '', json: undefined }));
    if (chunked) {
      const chunks = init.body as readonly string[];
      const next = (i: number): void => {
        if (answered) return;
        if (i >= chunks.length || req.destroyed) return void req.end();
        if (req.write(chunks[i]!)) setImmediate(() => next(i + 1));
        else req.once('drain', () => next(i + 1));
      };
      next(0);
    } else req.end(typeof init.body === 'string' ? init.body : undefined);
  });
}

type Mode = 'production' | 'development';

export interface ClinicalOptions extends RawRequest {
  readonly on?: Mode;
  /** `Authorization` header; by default a valid clinician token (production) or none (development). */
  readonly authorization?: string | null;
}

const target = (stack: SecurityStack, mode: Mode = 'production'): Target => stack[mode];

/** A request to a gateway's clinical port, signed in as a clinician unless told otherwise. */
export const clinical =
  (options: ClinicalOptions = {}): Send =>
  async (stack) => {
    const mode = options.on ?? 'production';
    const authorization =
      options.authorization === undefined
        ? mode === 'production'
          ? `Bearer ${await tokenFor()}`
          : undefined
        : (options.authorization ?? undefined);
    return raw(target(stack, mode).origin, {
      ...options,
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
        ...options.headers,
      },
    });
  };

/** A GraphQL query as a clinical app sends it. */
export const query = (
  text: string,
  variables?: Record<string, unknown>,
  options: ClinicalOptions = {},
): Send =>
  clinical({ ...options, body: JSON.stringify({ query: text, ...(variables ? { variables } : {}) }) });

/** A request to the ops port, with the ops token unless told otherwise. */
export const ops =
  (path: string, init: RawRequest & { token?: string | null; on?: Mode } = {}): Send =>
  (stack) => {
    const token = init.token === undefined ? TEST_OPS_TOKEN : init.token;
    return raw(target(stack, init.on).ops, {
      method: init.method ?? 'GET',
      path,
      ...(init.body !== undefined ? { body: init.body } : {}),
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
    });
  };

/** The documented code an answer carries, wherever the port puts it. */
export function codeOf(answer: Answer): string | undefined {
  const body = answer.json as
    { errors?: { extensions?: { code?: string } }[]; error?: { code?: string } } | undefined;
  return body?.errors?.[0]?.extensions?.code ?? body?.error?.code;
}

/** Every code an answer carries. */
export function codesOf(answer: Answer): string[] {
  const body = answer.json as { errors?: { extensions?: { code?: string } }[] } | undefined;
  return (body?.errors ?? []).map((e) => e.extensions?.code ?? '');
}
