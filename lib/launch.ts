/**
 * Starting the project's own processes (suppliers, gateway) as children and knowing when they are ready.
 * Used by `npm start`, the integration tests and the load tests. A child announces readiness over Node's
 * IPC channel with `announceListening`, so readiness does not depend on log levels or output parsing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ListeningMessage {
  readonly type: 'listening';
  readonly service: string;
  readonly url: string;
  readonly urls?: Record<string, string>;
}

/**
 * Called by a child once it serves; a no-op when the process was not started by `launch`. A launched child
 * also stops (as on SIGTERM) when its parent goes away without stopping it, so a killed `npm start` or test
 * run never leaves suppliers holding their ports.
 */
export function announceListening(message: Omit<ListeningMessage, 'type'>): void {
  if (!process.send) return;
  process.send({ type: 'listening', ...message } satisfies ListeningMessage);
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

export interface Launched {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ready: ListeningMessage;
  /** Sends `signal` (default SIGTERM) and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface LaunchOptions {
  /** Project-relative path of the entry file, e.g. `subgraphs/main.ts`. */
  readonly entry: string;
  readonly env?: Record<string, string | undefined>;
  /** Where the child's stdout/stderr go: inherited (default), ignored, or piped for the caller. */
  readonly output?: 'inherit' | 'ignore' | 'pipe';
  readonly readyTimeoutMs?: number;
  readonly execArgv?: readonly string[];
  /**
   * Load TypeScript through tsx (default). Off for plain JavaScript (built output, peers): tsx's loader
   * runs on a thread of its own, which would add its memory to the measured process.
   */
  readonly tsx?: boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));

export function launch(options: LaunchOptions): Promise<Launched> {
  const output = options.output ?? 'inherit';
  const child = fork(options.entry, [], {
    cwd: root,
    env: { ...process.env, ...options.env },
    execArgv: [...(options.tsx === false ? [] : ['--import', 'tsx']), ...(options.execArgv ?? [])],
    stdio: [output === 'pipe' ? 'pipe' : 'ignore', output, output, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(
        new Error(`${options.entry} did not report listening within ${options.readyTimeoutMs ?? 30_000} ms`),
      );
    }, options.readyTimeoutMs ?? 30_000);
    const early = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited before it was ready (code ${code}, signal ${signal})`));
    };
    child.once('exit', early);
    child.on('message', (message: ListeningMessage) => {
      if (message?.type !== 'listening') return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({ child, pid: child.pid!, ready: message, stop });
    });
  });
}
