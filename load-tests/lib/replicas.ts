import { join } from 'node:path';
import { launch, type Launched } from '../../lib/launch.js';
import { TEST_ASSERTION_KEY } from '../../lib/testbed/index.js';
import { BENCH_AUTH_ENV } from './auth.js';
import { GATEWAY_NODE_FLAGS } from './targets.js';

export interface ReplicaSettings {
  /** GATEWAY_REPLICA_ID; also names its audit trail and registry copy in `dir`. */
  readonly id: string;
  readonly suppliersFile: string;
  readonly redisUrl: string;
  readonly opsToken: string;
  /** Where its audit trail (`<id>-audit.log`) and last-known-good registry copy go. */
  readonly dir: string;
  readonly logLevel?: string;
  /** Fixed ports (a load balancer needs them to stay put across restarts); free ones by default. */
  readonly port?: number;
  readonly opsPort?: number;
  /** Run the TypeScript sources through tsx instead of the built dist/ (tests, which do not build). */
  readonly fromSource?: boolean;
  /** More settings, overriding these (docs/configuration.md). */
  readonly env?: Record<string, string>;
}

export const auditLogOf = (dir: string, id: string): string => join(dir, `${id}-audit.log`);

/**
 * One replica of the built gateway as deployed: production mode, the production heap cap, Redis, signed
 * assertions and clinician JWTs (the load's BENCH_TOKEN), registry changes live without approval.
 */
export function launchReplica(settings: ReplicaSettings): Promise<Launched> {
  return launch({
    entry: settings.fromSource ? 'gateway/main.ts' : 'dist/gateway/main.js',
    tsx: settings.fromSource === true,
    execArgv: GATEWAY_NODE_FLAGS,
    output: 'inherit',
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: settings.logLevel ?? 'warn',
      GATEWAY_PORT: String(settings.port ?? 0),
      OPS_PORT: String(settings.opsPort ?? 0),
      GATEWAY_REPLICA_ID: settings.id,
      SUPPLIERS_FILE: settings.suppliersFile,
      REDIS_URL: settings.redisUrl,
      CACHE_ENCRYPTION_KEY: 'c3'.repeat(32),
      OPS_TOKEN: settings.opsToken,
      ASSERTION_SIGNING_KEY: TEST_ASSERTION_KEY,
      AUDIT_LOG: auditLogOf(settings.dir, settings.id),
      REGISTRY_STATE_FILE: join(settings.dir, `${settings.id}-registry.json`),
      REGISTRY_APPROVAL: 'none',
      ...BENCH_AUTH_ENV,
      ...settings.env,
    },
  });
}
