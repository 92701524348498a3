import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, discardRestOf, readBody } from '../../lib/http-body.js';
import type { Logger } from '../../lib/logger.js';
import type { Jwks } from '../auth/index.js';
import { projectFile } from '../../lib/paths.js';
import { authenticate, type OpsCredential } from './auth.js';
import type { SupplierControls } from './controls.js';
import { OpsError } from './errors.js';
import type { EventStream } from './events.js';
import { controlRoutes, matchRoute } from './routes.js';
import type { OpsStatus } from './status.js';
import type { RegistryApi } from '../registry/index.js';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly credentials: readonly OpsCredential[];
  readonly controls: SupplierControls;
  readonly events: EventStream;
  readonly status: () => Promise<OpsStatus>;
  /** GET /api/history: each supplier's last hour and the recent streamed events (docs/operations.md). */
  readonly history: () => Promise<unknown>;
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  /** What /readyz shows: open to probes, so states only (no hosts, error texts or counts), and cheap. */
  readonly readiness: () => {
    readonly ready: boolean;
    /** The audit trail: `ok`, `behind` (over AUDIT_MAX_BACKLOG_MB: catching up) or `failing` (a write failed). */
    readonly audit: 'ok' | 'behind' | 'failing';
    readonly suppliers: readonly { readonly name: string; readonly state: string }[];
    readonly cache: readonly { readonly tier: string; readonly status: string }[];
    /** Says when the replica serves its last-known-good registry copy because Redis was down at start. */
    readonly registry: {
      readonly source: string;
      readonly revision: number;
      readonly problem: string | null;
    };
  };
  /** The registry API: authenticates suppliers itself (an operator's ops token is passed on). */
  readonly registry: RegistryApi;
  readonly now: () => number;
  readonly logger: Logger;
  /** The gateway's public assertion keys: suppliers fetch them to verify who is asking. */
  readonly jwks: Jwks;
}

export interface RunningOpsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/dashboard.js': 'dashboard.js',
  '/dashboard.css': 'dashboard.css',
  '/history.js': 'history.js',
  '/panels.js': 'panels.js',
};
const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css' };

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** The body of a control request: a JSON object of at most 16 KiB (an empty body is an empty object). */
async function readObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readBody(req, 16_384);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new OpsError('PAYLOAD_TOO_LARGE', 'request body over 16 KiB');
    throw error;
  }
  try {
    const body: unknown = text.length === 0 ? {} : JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new OpsError('BAD_REQUEST', 'the body must be a JSON object');
}

/**
 * The ops port: the dashboard, Prometheus metrics and health probes are open (as scrapers and probes
 * expect); everything under /api needs `Authorization: Bearer <ops token>`. Never the clinicians' port.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<RunningOpsServer> {
  const routes = controlRoutes(options.controls, options.now);

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const operator = authenticate(options.credentials, req.headers.authorization);
    if (path === '/api/registry' || path.startsWith('/api/registry/')) {
      return options.registry(req, res, path, operator);
    }
    if (!operator) throw new OpsError('OPS_UNAUTHENTICATED', 'send Authorization: Bearer <ops token>');
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/status') return json(res, 200, await options.status());
    if (method === 'GET' && path === '/api/events') {
      const lastEventId = req.headers['last-event-id'];
      return options.events.add(res, typeof lastEventId === 'string' ? lastEventId : undefined);
    }
    if (method === 'GET' && path === '/api/history') return json(res, 200, await options.history());
    if (method === 'GET' && path === '/api/audit')
      return json(res, 200, { events: options.controls.recent() });
    let methodMismatch = false;
    for (const [pattern, handler] of Object.entries(routes)) {
      const match = matchRoute(pattern, method, path);
      if (!match.matched) {
        methodMismatch ||= match.otherMethod;
        continue;
      }
      const body = await readObject(req);
      return json(res, 200, await handler({ operator, params: match.params, body }));
    }
    throw methodMismatch
      ? new OpsError('METHOD_NOT_ALLOWED', `${method} not allowed on ${path}`)
      : new OpsError('NOT_FOUND', `no route ${path}`);
  };

  const open = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    if (path === '/healthz') return (json(res, 200, { status: 'ok' }), true);
    if (path === '/.well-known/jwks.json') {
      // Public keys only; suppliers may cache them for a few minutes (a roll-over publishes the next key first).
      return (json(res, 200, options.jwks, { 'cache-control': 'public, max-age=300' }), true);
    }
    if (path === '/readyz') {
      const readiness = options.readiness();
      json(res, readiness.ready ? 200 : 503, readiness);
      return true;
    }
    if (path === '/metrics') {
      const { contentType, body } = await options.metrics();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
      return true;
    }
    const file = STATIC[path];
    if (!file) return false;
    const content = await readFile(projectFile(`gateway/ops/dashboard/${file}`));
    res.writeHead(200, {
      'content-type': `${TYPES[file.split('.').pop()!]}; charset=utf-8`,
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'",
    });
    res.end(content);
    return true;
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handle = path.startsWith('/api/')
      ? api(req, res, path)
      : open(req, res, path).then((done) => {
          if (!done) throw new OpsError('NOT_FOUND', `no route ${path}`);
        });
    handle.catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof OpsError) {
        const headers: Record<string, string> =
          error.code === 'OPS_UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer realm="ops"' } : {};
        if (error.code === 'PAYLOAD_TOO_LARGE') discardRestOf(req);
        return json(res, error.status, { error: { code: error.code, message: error.message } }, headers);
      }
      options.logger.error({ err: error, path }, 'ops request failed');
      json(res, 500, {
        error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the gateway log' },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        options.events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
