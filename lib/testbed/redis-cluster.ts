/**
 * A Redis Cluster of the test's own: three masters and three replicas from Debian's redis-server on free
 * loopback ports, joined with `redis-cli --cluster create`, keeping nothing but their cluster files in a
 * temporary directory. A short node timeout makes a replica take over within a couple of seconds of its
 * master dying, so a failover fits in a test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './redis.js';

export interface PrivateRedisCluster {
  /** REDIS_URL for REDIS_MODE=cluster: every node, comma-separated. */
  readonly url: string;
  readonly ports: readonly number[];
  /** The port of the master now serving `key`'s slot. */
  masterOf(key: string): Promise<number>;
  /** The keys matching `pattern` on each live master, as the masters see them (not through a client). */
  keysByMaster(pattern: string): Promise<string[][]>;
  /** Kills the node on `port` abruptly (SIGKILL). */
  kill(port: number): Promise<void>;
  /** Resolves once every live node reports the cluster ok, every slot served and every replica in sync. */
  settled(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const NODE_TIMEOUT_MS = 1_000;

export async function startRedisCluster(): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'prag-redis-cluster-'));
  const ports: number[] = [];
  const busPorts: number[] = [];
  for (let i = 0; i < 6; i++) {
    ports.push(await freePort());
    // The cluster bus defaults to port + 10000, which may be taken or past 65535: give it a free one too.
    busPorts.push(await freePort());
  }
  const children = new Map<number, ChildProcess>();
  for (const [i, port] of ports.entries()) {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(busPorts[i]),
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    child.unref();
    children.set(port, child);
  }
  // A cluster that fails to form leaves no server behind.
  try {
    await Promise.all(ports.map((p) => waitForPort(p, 5_000)));
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);

    const alive = () =>
      ports.filter((p) => {
        const c = children.get(p)!;
        return c.exitCode === null && c.signalCode === null;
      });
    const cli = (port: number, ...args: string[]) =>
      spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
    // Masters that are up, from a live node's view (CLUSTER NODES).
    const liveMasters = () =>
      cli(alive()[0]!, 'cluster', 'nodes')
        .split('\n')
        .map((line) => line.split(' '))
        .filter(([, , flags]) => flags?.includes('master') && !flags.includes('fail'))
        .map(([, address]) => Number(address!.split('@')[0]!.split(':')[1]))
        .filter((port) => alive().includes(port));
    const cluster: PrivateRedisCluster = {
      url: ports.map((p) => `redis://127.0.0.1:${p}`).join(','),
      ports,
      async keysByMaster(pattern) {
        return liveMasters().map((port) =>
          cli(port, '--scan', '--pattern', pattern).split('\n').filter(Boolean),
        );
      },
      async masterOf(key) {
        // From a live node's view (CLUSTER NODES), not a client's: a client may still wait on the dead master.
        const from = alive()[0]!;
        const slot = Number(cli(from, 'cluster', 'keyslot', key));
        for (const line of cli(from, 'cluster', 'nodes').split('\n')) {
          const [, address, flags, , , , , , ...ranges] = line.split(' ');
          if (!flags?.includes('master') || flags.includes('fail')) continue;
          const serves = ranges.some((r) => {
            const [lo, hi = lo] = r.split('-').map(Number);
            return slot >= lo! && slot <= hi!;
          });
          if (serves) return Number(address!.split('@')[0]!.split(':')[1]);
        }
        throw new Error(`no live master serves slot ${slot}`);
      },
      async kill(port) {
        const child = children.get(port)!;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.ref();
        child.kill('SIGKILL');
        await exited;
      },
      async settled(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          // A replica that has never synced with its master would refuse to take over from it.
          const ok = alive().every((p) => {
            const info = cli(p, 'cluster', 'info');
            const replication = cli(p, 'info', 'replication');
            return (
              info.includes('cluster_state:ok') &&
              info.includes('cluster_slots_ok:16384') &&
              (replication.includes('role:master') || replication.includes('master_link_status:up'))
            );
          });
          if (ok) return;
          if (Date.now() > deadline)
            throw new Error(`the Redis Cluster did not settle within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async stop() {
        await Promise.all(ports.map((p) => cluster.kill(p)));
        rmSync(dir, { recursive: true, force: true });
      },
    };
    await cluster.settled(20_000);
    return cluster;
  } catch (error) {
    for (const child of children.values()) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
