import { describe, expect, it } from 'vitest';
import { areaOf, formatProfile, summarizeProfile, type CpuProfile } from './profile.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

// (root) ─┬─ (idle)
//         ├─ handle src/http/api.ts ── patch @azure/cosmos ── writev (native)
//         ├─ query @vercel/cosmosdb-server
//         └─ post node:inspector ── dispatch (native)
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 6, 7] },
    { id: 2, callFrame: frame('(idle)', '') },
    { id: 3, callFrame: frame('handle', 'file:///repo/src/http/api.ts', 41), children: [4] },
    {
      id: 4,
      callFrame: frame('patch', 'file:///repo/node_modules/@azure/cosmos/dist/esm/x.js', 9),
      children: [5],
    },
    { id: 5, callFrame: frame('writev', '') },
    {
      id: 6,
      callFrame: frame('query', 'file:///repo/node_modules/@vercel/cosmosdb-server/lib/q.js'),
    },
    { id: 7, callFrame: frame('post', 'node:inspector'), children: [8] },
    { id: 8, callFrame: frame('dispatch', '') },
  ],
  // Time deltas are in microseconds: idle 1 ms, handle 1 ms, patch 2 ms, writev 2 ms,
  // query 4 ms, and 5 ms of the profiler stopping itself, which is left out.
  samples: [2, 3, 4, 5, 6, 8],
  timeDeltas: [1000, 1000, 2000, 2000, 4000, 5000],
};

describe('summarizeProfile', () => {
  const summary = summarizeProfile(profile);

  it('should leave out the profiler stopping itself', () => {
    expect(summary.totalMs).toBe(10);
    expect(summary.idleShare).toBeCloseTo(0.1);
  });

  it('should charge native frames to their JavaScript caller', () => {
    expect(summary.areas).toEqual([
      { name: 'Cosmos client (@azure/*)', ms: 4, share: 0.4 },
      { name: 'emulator (@vercel/cosmosdb-server)', ms: 4, share: 0.4 },
      { name: 'idle', ms: 1, share: 0.1 },
      { name: 'product (src/)', ms: 1, share: 0.1 },
    ]);
    expect(summary.functions.map((f) => f.name)).toContain(
      'writev (native, from patch @azure/cosmos/dist/esm/x.js:10)',
    );
  });

  it('should charge work to the outermost library or product frame that started it', () => {
    expect(summary.owners).toEqual([
      { name: 'product (src/)', ms: 5, share: 0.5 },
      { name: 'emulator (@vercel/cosmosdb-server)', ms: 4, share: 0.4 },
      { name: 'idle', ms: 1, share: 0.1 },
    ]);
  });

  it('should print the areas and functions with their shares', () => {
    const text = formatProfile(summary);
    expect(text).toContain('0.0 s sampled, 10.0% idle');
    expect(text).toMatch(/40\.0% +4 ms {2}Cosmos client \(@azure\/\*\)/);
  });
});

describe('areaOf', () => {
  it('should name the parts of the stack', () => {
    expect(areaOf('file:///r/node_modules/@azure/core-rest-pipeline/x.js', 'f')).toBe(
      'Cosmos client (@azure/*)',
    );
    expect(areaOf('file:///r/node_modules/@zeit/cosmosdb-query/lib/x.js', 'f')).toBe(
      'emulator (@vercel/cosmosdb-server)',
    );
    expect(areaOf('file:///r/node_modules/@hono/node-server/dist/x.mjs', 'f')).toBe('hono');
    expect(areaOf('file:///r/node_modules/zod/v4/x.js', 'f')).toBe('zod');
    expect(areaOf('file:///r/bench/targets.ts', 'f')).toBe('bench harness');
    expect(areaOf('node:_http_server', 'f')).toBe('node: http/net/streams');
    expect(areaOf('node:internal/timers', 'f')).toBe('node: other');
    expect(areaOf('', '(garbage collector)')).toBe('garbage collector');
    expect(areaOf('', 'writev')).toBe('(native)');
  });
});
