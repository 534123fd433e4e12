import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Child processes for crash tests: the Cosmos emulator in a process of its own (so killing the
 * server does not take the data with it) and the product's server, started as `npm start` does.
 * Every child is registered, and `killAll` ends each one by its PID.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  pid: number;
  process: ChildProcess;
  /** The last lines the child wrote, for failure messages. */
  tail(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  readonly exited: boolean;
}

const children = new Set<Child>();
const TAIL_LINES = 40;

// If this process ends without running afterAll (the test runner was killed, a pipe closed),
// take the children along rather than leave them running.
process.once('exit', () => {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Spawn `node args…`, keep reading its output, resolve once a line matches `ready`. */
export function spawnNode(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number; name: string },
): Promise<{ child: Child; match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`${options.name} did not start`);
  const pid = proc.pid;

  const lines: string[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exit.then(() => {
    exited = true;
  });

  const child: Child = {
    pid,
    process: proc,
    tail: () => lines.join('\n'),
    get exited() {
      return exited;
    },
    kill: async () => {
      if (!exited) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exit;
      children.delete(child);
    },
  };
  children.add(child);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void child.kill();
      reject(
        new Error(
          `${options.name} not ready in ${options.timeoutMs ?? 30_000} ms:\n${child.tail()}`,
        ),
      );
    }, options.timeoutMs ?? 30_000);

    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        const match = line.match(options.ready);
        if (match !== null) {
          clearTimeout(timer);
          resolve({ child, match });
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready:\n${child.tail()}`));
    });
  });
}

export interface EmulatorProcess {
  endpoint: string;
  child: Child;
}

/** The emulator's own CLI, over plain HTTP on a free loopback port. */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const cli = createRequire(import.meta.url).resolve('@vercel/cosmosdb-server/lib/cli.js');
  const { child, match } = await spawnNode([cli, '--host', '127.0.0.1', '-p', '0', '--no-ssl'], {
    name: 'cosmosdb-server',
    ready: /Ready to accept HTTP connections at 127\.0\.0\.1:(\d+)/,
  });
  return { endpoint: `http://127.0.0.1:${match[1]}`, child };
}

export interface ServerProcess {
  url: string;
  child: Child;
}

/**
 * The product as `npm start` runs it (tsx src/main.ts), on a free loopback port, talking to
 * `endpoint` with a key as to any account. `env` adds or overrides variables.
 */
export async function startServerProcess(
  endpoint: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(COSMOS_|PORT$|HOST$|LOG_LEVEL$)/.test(name)),
  );
  const { child, match } = await spawnNode(['--import', 'tsx', 'src/main.ts'], {
    name: 'server',
    env: {
      ...base,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      COSMOS_ENDPOINT: endpoint,
      COSMOS_KEY: 'fault-test-key',
      ...env,
    },
    ready: /"url":"(http:\/\/127\.0\.0\.1:\d+)"/,
    timeoutMs: 45_000,
  });
  return { url: match[1] ?? '', child };
}

/** Kill every child still running, each by its own PID. */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.kill()));
}
