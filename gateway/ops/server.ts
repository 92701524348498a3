import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../lib/logger.js';
import { projectFile } from '../../lib/paths.js';
import { authenticate, type OpsCredential } from './auth.js';
import type { SupplierControls } from './controls.js';
import { OpsError } from './errors.js';
import type { EventStream } from './events.js';
import { controlRoutes, matchRoute } from './routes.js';
import type { OpsStatus } from './status.js';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly credentials: readonly OpsCredential[];
  readonly controls: SupplierControls;
  readonly events: EventStream;
  readonly status: () => Promise<OpsStatus>;
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  readonly ready: () => boolean;
  readonly now: () => number;
  readonly logger: Logger;
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

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16_384) {
        reject(new OpsError('PAYLOAD_TOO_LARGE', 'request body over 16 KiB'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        const body: unknown = size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new Error('not an object');
        resolve(body as Record<string, unknown>);
      } catch {
        reject(new OpsError('BAD_REQUEST', 'the body must be a JSON object'));
      }
    });
  });
}

/**
 * The ops port: the dashboard, Prometheus metrics and health probes are open (as scrapers and probes
 * expect); everything under /api needs `Authorization: Bearer <ops token>`. Never the clinicians' port.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<RunningOpsServer> {
  const routes = controlRoutes(options.controls, options.now);

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const operator = authenticate(options.credentials, req.headers.authorization);
    if (!operator) throw new OpsError('OPS_UNAUTHENTICATED', 'send Authorization: Bearer <ops token>');
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/status') return json(res, 200, await options.status());
    if (method === 'GET' && path === '/api/events') return options.events.add(res);
    if (method === 'GET' && path === '/api/audit')
      return json(res, 200, { events: options.controls.recent() });
    let methodMismatch = false;
    for (const [pattern, handler] of Object.entries(routes)) {
      const params = matchRoute(pattern, method, path);
      if (!params) continue;
      if (params.__methodMismatch) {
        methodMismatch = true;
        continue;
      }
      const body = await readBody(req);
      const result = await handler({ operator, params, body });
      return json(res, 200, result);
    }
    throw methodMismatch
      ? new OpsError('METHOD_NOT_ALLOWED', `${method} not allowed on ${path}`)
      : new OpsError('NOT_FOUND', `no route ${path}`);
  };

  const open = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    if (path === '/healthz') return (json(res, 200, { status: 'ok' }), true);
    if (path === '/readyz') {
      const status = await options.status();
      return (
        json(res, status.ready ? 200 : 503, {
          ready: status.ready,
          suppliers: status.suppliers.map((s) => ({ name: s.name, state: s.state })),
          cache: status.cache,
        }),
        true
      );
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
