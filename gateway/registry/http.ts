import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, discardRestOf, readBody } from '../../lib/http-body.js';
import type { Logger } from '../../lib/logger.js';
import { entrySpecSchema, parseEntryKey, type EntryKey } from './entries.js';
import { RegistryError } from './errors.js';
import type { RegistryCaller, RegistryService } from './service.js';

/** An entry with its SDL fits comfortably; anything larger is refused before it is parsed. */
const MAX_BODY_BYTES = 262_144;

type Params = Readonly<Record<string, string>>;
type Body = Readonly<Record<string, unknown>>;
type Route = (caller: RegistryCaller, params: Params, body: Body) => Promise<[number, unknown]>;

export interface RegistryApiParts {
  readonly service: RegistryService;
  /** The runtime's view and the replicas' acknowledgements, for operators. */
  readonly status: () => Promise<object>;
  readonly logger: Logger;
}

function reasonOf(body: Body): string {
  const reason = body.reason;
  if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 500) {
    throw new RegistryError(
      'REASON_REQUIRED',
      'every registry change needs a "reason" of 3 to 500 characters',
    );
  }
  return reason.trim();
}

function specOf(body: Body) {
  const parsed = entrySpecSchema.safeParse(body.entry);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `entry.${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RegistryError('INVALID_ENTRY', problems.join('; '), { details: problems });
  }
  return parsed.data;
}

function keyOf(params: Params): EntryKey {
  const key = `${params.kind}/${params.name}`;
  if (!parseEntryKey(key))
    throw new RegistryError('UNKNOWN_ENTRY', `no registry entry ${JSON.stringify(key)}`);
  return key as EntryKey;
}

function versionOf(value: unknown): number {
  const version = typeof value === 'string' ? Number(value) : value;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > 1_000_000) {
    throw new RegistryError('INVALID_VERSION', `a version is a whole number, got ${JSON.stringify(value)}`);
  }
  return version;
}

function routes({ service, status }: RegistryApiParts): Record<string, Route> {
  return {
    'GET /api/registry': async (caller) => [
      200,
      { ...service.list(caller), ...(caller.kind === 'operator' ? await status() : {}) },
    ],
    'POST /api/registry/check': async (caller, _, body) => [200, await service.check(specOf(body), caller)],
    'POST /api/registry/entries': async (caller, _, body) => {
      const spec = specOf(body);
      return [201, await service.publish(spec, caller, reasonOf(body))];
    },
    'GET /api/registry/entries/:kind/:name': async (caller, params) => [
      200,
      service.entry(keyOf(params), caller),
    ],
    'POST /api/registry/entries/:kind/:name/versions/:version/approve': async (caller, params, body) => [
      200,
      await service.decide(keyOf(params), versionOf(params.version), 'approve', caller, reasonOf(body)),
    ],
    'POST /api/registry/entries/:kind/:name/versions/:version/reject': async (caller, params, body) => [
      200,
      await service.decide(keyOf(params), versionOf(params.version), 'reject', caller, reasonOf(body)),
    ],
    'POST /api/registry/entries/:kind/:name/rollback': async (caller, params, body) => {
      const to = body.to === undefined ? undefined : versionOf(body.to);
      return [200, await service.rollback(keyOf(params), to, caller, reasonOf(body))];
    },
    'POST /api/registry/credentials/:supplier': async (caller, params, body) => [
      201,
      await service.credentials.issue(params.supplier!, caller, reasonOf(body)),
    ],
    'DELETE /api/registry/credentials/:supplier': async (caller, params, body) => [
      200,
      await service.credentials.revoke(params.supplier!, caller, reasonOf(body)),
    ],
  };
}

function match(pattern: string, method: string, path: string): Params | 'other-method' | undefined {
  const [want, wantPath] = pattern.split(' ') as [string, string];
  const a = wantPath.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.startsWith(':')) params[a[i]!.slice(1)] = decodeURIComponent(b[i]!);
    else if (a[i] !== b[i]) return undefined;
  }
  return method === want ? params : 'other-method';
}

async function bodyOf(req: IncomingMessage): Promise<Body> {
  let text: string;
  try {
    text = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      discardRestOf(req);
      throw new RegistryError('PAYLOAD_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`, {}, 413);
    }
    throw error;
  }
  try {
    const body: unknown = text.length === 0 ? {} : JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Body;
  } catch {
    // reported below
  }
  throw new RegistryError('INVALID_ENTRY', 'the body must be a JSON object');
}

/**
 * The registry API on the ops port. An operator presents an ops token; a supplier its registry
 * credential, which reaches only its own supplier entry. Errors are `{ error: { code, message, ... } }`
 * with the codes of docs/registry.md.
 */
export function registryApi(parts: RegistryApiParts) {
  const table = routes(parts);
  return async (req: IncomingMessage, res: ServerResponse, path: string, operator: string | undefined) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(JSON.stringify(body));
    };
    try {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      const supplier =
        operator === undefined && token ? parts.service.credentials.supplierFor(token) : undefined;
      const caller: RegistryCaller | undefined = operator
        ? { kind: 'operator', name: operator }
        : supplier
          ? { kind: 'supplier', name: supplier }
          : undefined;
      if (!caller) {
        res.setHeader('www-authenticate', 'Bearer realm="registry"');
        throw new RegistryError(
          'REGISTRY_UNAUTHENTICATED',
          'send Authorization: Bearer <ops token or supplier credential>',
          {},
          401,
        );
      }
      const method = req.method ?? 'GET';
      let otherMethod = false;
      for (const [pattern, route] of Object.entries(table)) {
        const params = match(pattern, method, path);
        if (params === 'other-method') otherMethod = true;
        if (params === undefined || params === 'other-method') continue;
        try {
          const [status, body] = await route(caller, params, await bodyOf(req));
          return send(status, body);
        } catch (error) {
          if (error instanceof RegistryError) parts.service.refused(caller, `${method} ${path}`, error);
          throw error;
        }
      }
      throw otherMethod
        ? new RegistryError('METHOD_NOT_ALLOWED', `${method} not allowed on ${path}`, {}, 405)
        : new RegistryError('NOT_FOUND', `no route ${path}`, {}, 404);
    } catch (error) {
      if (error instanceof RegistryError) {
        return send(error.status, { error: { code: error.code, message: error.message, ...error.extra } });
      }
      if (error instanceof URIError)
        return send(400, { error: { code: 'INVALID_ENTRY', message: 'the path is not validly encoded' } });
      parts.logger.error({ err: error, path }, 'registry request failed');
      send(500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the gateway log' } });
    }
  };
}

export type RegistryApi = ReturnType<typeof registryApi>;
