import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './bicep.js';
import { type Instruction, instructions, stages } from './dockerfile.js';

let source: string;
let build: Instruction[];
let runtime: Instruction[];

beforeAll(async () => {
  source = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  const all = stages(instructions(source));
  expect(all.length).toBeGreaterThanOrEqual(2);
  build = all[0] ?? [];
  runtime = all.at(-1) ?? [];
});

function args(stage: Instruction[], keyword: string): string[] {
  return stage.filter((i) => i.keyword === keyword).map((i) => i.args);
}

describe('Dockerfile', () => {
  it('should pass dockerfile-utils validation with every check raised to error', () => {
    const error = ValidationSeverity.ERROR;
    const diagnostics = validate(source, {
      deprecatedMaintainer: error,
      directiveCasing: error,
      emptyContinuationLine: error,
      instructionCasing: error,
      instructionCmdMultiple: error,
      instructionEntrypointMultiple: error,
      instructionHealthcheckMultiple: error,
      instructionJSONInSingleQuotes: error,
      instructionWorkdirRelative: error,
    });
    const lines = diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(lines).toEqual([]);
  });

  it('should build on a Node 20 slim or alpine image in both stages', () => {
    for (const stage of [build, runtime]) {
      expect(stage[0]?.args).toMatch(/^node:20(\.\d+)*-(slim|alpine)\b/);
    }
  });

  it('should compile with dev dependencies in the build stage', () => {
    const run = args(build, 'RUN').join('\n');
    expect(run).toMatch(/npm ci\b/);
    expect(run).toMatch(/npm run build\b/);
  });

  it('should ship production dependencies and dist/ only', () => {
    const run = args(runtime, 'RUN').join('\n');
    expect(run).toMatch(/npm ci --omit=dev\b/);
    expect(run).not.toMatch(/npm run build|npm install\b/);
    const copies = args(runtime, 'COPY');
    expect(copies.some((c) => /^--from=\S+ \S*dist\/? \S*dist\/?$/.test(c))).toBe(true);
    expect(copies.some((c) => /\bsrc\b|^\. /.test(c))).toBe(false);
  });

  it('should run as the non-root node user', () => {
    const users = args(runtime, 'USER');
    expect(users.at(-1)).toBe('node');
  });

  it('should set HOST, PORT and NODE_ENV for the runtime', () => {
    const env = args(runtime, 'ENV').join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bPORT=3000\b/);
    expect(env).toMatch(/\bNODE_ENV=production\b/);
  });

  it('should start node directly so SIGTERM reaches the server', () => {
    expect(args(runtime, 'CMD').at(-1)).toBe('["node", "dist/main.js"]');
    expect(args(runtime, 'ENTRYPOINT')).toEqual([]);
  });

  it('should check /healthz with node itself (no curl or wget in slim images)', () => {
    const healthcheck = args(runtime, 'HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toMatch(/CMD \["node",/);
    expect(healthcheck[0]).toContain('/healthz');
    expect(healthcheck[0]).not.toMatch(/curl|wget/);
  });
});

describe('.dockerignore', () => {
  it('should keep local installs, builds, secrets and git out of the context', async () => {
    const entries = (await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(entries).toEqual(
      expect.arrayContaining(['node_modules', 'dist', '.git', '.env', '.azure']),
    );
  });
});
