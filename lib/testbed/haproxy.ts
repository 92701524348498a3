/**
 * A real HAProxy (Debian's haproxy) in front of gateway replicas on 127.0.0.1, configured as a production
 * load balancer would be (deploy/haproxy/haproxy.cfg is the documented version of the same settings): it
 * health-checks each replica's /readyz on its ops port and stops sending to one as soon as it fails, and it
 * retries a request whose connection was refused on another replica (never one that reached a gateway).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './redis.js';

export interface Backend {
  readonly name: string;
  /** The clinical port. */
  readonly port: number;
  /** The ops port, where /readyz is checked. */
  readonly opsPort: number;
}

export interface RunningHaproxy {
  /** The clinical GraphQL URL through the load balancer. */
  readonly url: string;
  /** Each backend's state as HAProxy sees it now (`UP`, `DOWN`, `MAINT`, ...). */
  states(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** The configuration: the settings that matter for a drain are the health check and the retry rule. */
export function haproxyConfig(options: {
  readonly port: number;
  readonly backends: readonly Backend[];
  readonly socket: string;
}): string {
  return [
    'global',
    '  maxconn 4096',
    `  stats socket ${options.socket} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A readiness probe slower than this counts as failed; without it the check interval would be the limit.
    '  timeout check 2s',
    // A refused connection (a replica between closing its listener and being marked down) is retried on
    // another replica; a request that reached a gateway is never sent twice.
    '  retries 3',
    '  option redispatch',
    '  retry-on conn-failure',
    'frontend clinical',
    `  bind 127.0.0.1:${options.port}`,
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    // Down after two failed checks (a draining replica fails /readyz at once, so within half a second:
    // well inside its grace period), up after two good ones.
    '  default-server inter 200ms fall 2 rise 2',
    ...options.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check port ${b.opsPort}`),
    '',
  ].join('\n');
}

/** Checks a configuration with `haproxy -c`; returns HAProxy's complaint, or undefined when it is valid. */
export function checkHaproxyConfig(file: string): string | undefined {
  const result = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  return result.status === 0 ? undefined : `${result.stdout}${result.stderr}`.trim();
}

export async function startHaproxy(backends: readonly Backend[]): Promise<RunningHaproxy> {
  const found = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    throw new Error(
      'haproxy was not found on PATH. The replica tests put a real load balancer in front of the gateways; install it (Debian: apt-get install -y haproxy) or run bash .ci/run, which does.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'prag-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig({ port, backends, socket }));
  const problem = checkHaproxyConfig(file);
  if (problem) throw new Error(`haproxy refused its configuration: ${problem}`);
  const child = spawn(found, ['-db', '-f', file], { stdio: 'ignore' });
  child.unref();
  await waitForPort(port, 5_000).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      const c = connect(socket, () => c.end(`${line}\n`));
      c.on('data', (d) => (text += d.toString()));
      c.on('end', () => resolve(text));
      c.on('error', reject);
    });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async states() {
      // `show stat` is CSV: pxname, svname, ... with the state in the `status` column.
      const [header, ...rows] = (await command('show stat')).trim().split('\n');
      const columns = header!.replace(/^# /, '').split(',');
      const status = columns.indexOf('status');
      const name = columns.indexOf('svname');
      return Object.fromEntries(
        rows
          .map((r) => r.split(','))
          .filter((r) => r[0] === 'gateways' && r[name] !== 'BACKEND')
          .map((r) => [r[name]!, r[status]!]),
      );
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.ref();
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
