import { parseIsoDateTime } from '../../lib/iso-time.js';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import type { SupplierControls } from './controls.js';
import { OpsError } from './errors.js';
import { actorOf, type ControlHandler, type ControlRequest } from './control-request.js';
import { migrationRoutes } from './migration-routes.js';

function supplierOf(controls: SupplierControls, request: ControlRequest): string {
  const name = request.params.supplier!;
  if (!controls.supplier(name)) throw new OpsError('UNKNOWN_SUPPLIER', `no supplier named "${name}"`);
  return name;
}

/**
 * A quarantine cut-off: an ISO 8601 date-time with a zone, on a day that exists, not in the future (a
 * minute of clock skew allowed).
 */
function cutoffOf(request: ControlRequest, now: number): string {
  const since = request.body.since;
  const at = typeof since === 'string' ? parseIsoDateTime(since) : undefined;
  if (at === undefined) {
    throw new OpsError(
      'INVALID_CUTOFF',
      `"since" must be an ISO 8601 date-time with a zone, on a real calendar day, got ${JSON.stringify(since)}`,
    );
  }
  if (at > now + 60_000) throw new OpsError('INVALID_CUTOFF', `"since" is in the future: ${since as string}`);
  return new Date(at).toISOString();
}

function nhsNumberOf(value: unknown): string {
  const parsed = typeof value === 'string' ? parseNhsNumber(value) : undefined;
  if (!parsed?.ok)
    throw new OpsError('INVALID_NHS_NUMBER', `not a valid NHS number: ${JSON.stringify(value)}`);
  return parsed.nhsNumber;
}

/**
 * The control routes. Each handler validates everything before acting, so a rejected request changes
 * nothing; `/api/suppliers/:supplier/...` names the supplier in the path.
 */
export function controlRoutes(controls: SupplierControls, now: () => number): Record<string, ControlHandler> {
  return {
    'POST /api/suppliers/:supplier/isolate': (r) => {
      const [name, actor] = [supplierOf(controls, r), actorOf(r)];
      return controls.isolate(name, actor);
    },
    'POST /api/suppliers/:supplier/restore': (r) => {
      const [name, actor] = [supplierOf(controls, r), actorOf(r)];
      return controls.restore(name, actor);
    },
    'POST /api/suppliers/:supplier/reset': (r) => {
      const [name, actor] = [supplierOf(controls, r), actorOf(r)];
      return controls.reset(name, actor);
    },
    'POST /api/suppliers/:supplier/quarantine': (r) => {
      const [name, actor, since] = [supplierOf(controls, r), actorOf(r), cutoffOf(r, now())];
      return controls.quarantine(name, since, actor);
    },
    'DELETE /api/suppliers/:supplier/quarantine': (r) => {
      const [name, actor] = [supplierOf(controls, r), actorOf(r)];
      return controls.liftQuarantine(name, actor);
    },
    'POST /api/suppliers/:supplier/purge': (r) => {
      const name = supplierOf(controls, r);
      const nhsNumber = r.body.nhsNumber === undefined ? undefined : nhsNumberOf(r.body.nhsNumber);
      const actor = actorOf(r);
      return controls.purge({ supplier: name, ...(nhsNumber ? { nhsNumber } : {}) }, actor);
    },
    // The NHS number travels in the body, never the path: paths end up in proxy and access logs.
    'POST /api/patients/purge': (r) => {
      const nhsNumber = nhsNumberOf(r.body.nhsNumber);
      return controls.purge({ nhsNumber }, actorOf(r));
    },
    ...migrationRoutes(controls, now),
  };
}

export type RouteMatch =
  | { readonly matched: true; readonly params: Record<string, string> }
  | { readonly matched: false; readonly otherMethod: boolean };

/** Matches `METHOD /path` against a route pattern with `:name` segments. */
export function matchRoute(pattern: string, method: string, path: string): RouteMatch {
  const [patternMethod, patternPath] = pattern.split(' ') as [string, string];
  const want = patternPath.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return { matched: false, otherMethod: false };
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) {
      try {
        params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
      } catch {
        throw new OpsError('BAD_REQUEST', 'the path is not validly encoded');
      }
    } else if (want[i] !== got[i]) return { matched: false, otherMethod: false };
  }
  return method === patternMethod ? { matched: true, params } : { matched: false, otherMethod: true };
}
