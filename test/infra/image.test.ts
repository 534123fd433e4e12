import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, moduleScope, resourcesOfType, rootScope } from './arm.js';
import { compileMain, repoRoot } from './bicep.js';
import { buildStageCopies, healthcheckCommand } from './dockerfile.js';

/*
 * Docker cannot build here, so this replays the Dockerfile's steps on the host: build with the
 * dev dependencies, install production dependencies alone into a fresh folder next to dist/,
 * start the app the way the image's CMD does, probe it, and stop it with SIGTERM.
 */

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let workDir: string;
let appDir: string;
let child: ChildProcess | undefined;
let output = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function waitFor200(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child?.exitCode !== null) throw new Error(`app exited early:\n${output}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last}):\n${output}`);
}

/** Runs the Dockerfile's HEALTHCHECK command as Docker would inside the container; its exit code. */
async function healthcheck(port: number): Promise<number> {
  const [command, ...args] = healthcheckCommand(
    await readFile(join(repoRoot, 'Dockerfile'), 'utf8'),
  );
  const executable = command === 'node' ? process.execPath : String(command);
  try {
    await run(executable, args, { cwd: appDir, env: containerEnv(port), timeout: 10_000 });
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' ? code : -1;
  }
}

/** Environment of the container: the image's ENV, nothing about Cosmos (so: embedded store). */
function containerEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(COSMOS_|AZURE_|EMULATOR_|PORT$|HOST$|NODE_ENV$|NODE_OPTIONS$)/.test(key)) {
      env[key] = value;
    }
  }
  return { ...env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port) };
}

beforeAll(async () => {
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  workDir = await mkdtemp(join(tmpdir(), 'counter-image-'));
  appDir = join(workDir, 'app');

  // Build stage: the files its COPY lines name, the dev dependencies (the work tree's, standing in
  // for `npm ci`), then `npm run build`. A file the build needs but the Dockerfile forgets fails here.
  const buildDir = join(workDir, 'build');
  await mkdir(buildDir, { recursive: true });
  for (const { sources, destination } of buildStageCopies(dockerfile)) {
    const intoFolder = destination.endsWith('/') || destination === '.';
    for (const source of sources) {
      const target = intoFolder
        ? join(buildDir, destination, basename(source))
        : join(buildDir, destination);
      await cp(join(repoRoot, source), target, { recursive: true });
    }
  }
  await symlink(join(repoRoot, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
  await run(npm, ['run', 'build'], { cwd: buildDir, maxBuffer: 16 * 1024 * 1024 });
  const buildOut = join(buildDir, 'dist');

  // Runtime stage: package files, production dependencies only, then dist/.
  await cp(buildOut, join(appDir, 'dist'), { recursive: true });
  await copyFile(join(repoRoot, 'package.json'), join(appDir, 'package.json'));
  await copyFile(join(repoRoot, 'package-lock.json'), join(appDir, 'package-lock.json'));
  await run(npm, ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: appDir,
    maxBuffer: 16 * 1024 * 1024,
  });
});

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
  }
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

describe('the container image, replayed outside Docker', () => {
  it('should hold dist/main.js and production dependencies only', async () => {
    expect(await exists(join(appDir, 'dist', 'main.js'))).toBe(true);
    expect(await exists(join(appDir, 'node_modules', 'hono'))).toBe(true);
    for (const devOnly of ['typescript', 'vitest', 'eslint', 'playwright-core']) {
      expect(await exists(join(appDir, 'node_modules', devOnly)), devOnly).toBe(false);
    }
  });

  it('should serve the probe paths and pass its HEALTHCHECK, then exit 0 on SIGTERM', async () => {
    const template = await compileMain();
    const web = moduleScope(rootScope(template), 'web');
    const [app] = resourcesOfType(web, 'Microsoft.App/containerApps');
    const { properties } = evaluate(app, web) as {
      properties: { template: { containers: { probes: { httpGet: { path: string } }[] }[] } };
    };
    const paths = [
      ...new Set(properties.template.containers[0]?.probes.map((p) => p.httpGet.path)),
    ];
    expect(paths).toEqual(expect.arrayContaining(['/healthz', '/readyz']));

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // As the image's CMD: node itself, no npm wrapper, from the app folder.
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: appDir,
      env: containerEnv(port),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child?.once('exit', (code, signal) => resolve({ code, signal })),
    );

    await waitFor200(`${base}/healthz`, 60_000);
    for (const path of paths) await waitFor200(`${base}${path}`, 30_000);
    expect(await healthcheck(port), 'HEALTHCHECK while serving').toBe(0);

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), 5_000).unref(),
    );
    const result = await Promise.race([exited, timeout]);

    expect(result, output).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(await healthcheck(port), 'HEALTHCHECK once stopped').not.toBe(0);
  });
});
