/**
 * Reads a V8 CPU profile (the `Profiler.stop` result, same format as `node --cpu-prof` writes)
 * and says where the time went, by area of the stack: the product, the Cosmos client, the
 * embedded emulator, Hono, Node's own HTTP code.
 *
 * Native frames (no script URL: socket writes, parsers) are charged to the nearest JavaScript
 * frame that called them, so `writev` under the Cosmos client counts as the Cosmos client.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Share {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time the process had nothing to run: waiting on sockets and timers. */
  idleShare: number;
  /** Self time by area. */
  areas: Share[];
  /**
   * Time by the outermost library or product frame on the stack: who started the work. Node's
   * HTTP parser calling into Hono counts as Hono, with everything Hono called synchronously.
   */
  owners: Share[];
  functions: Share[];
}

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);

export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node);
  }
  const stackOf = (node: ProfileNode): ProfileNode[] => {
    const stack = [node];
    for (let p = parents.get(node.id); p !== undefined; p = parents.get(p.id)) stack.push(p);
    return stack;
  };

  const self = new Map<number, number>();
  (profile.samples ?? []).forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });

  const areas = new Map<string, number>();
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const node = nodes.get(id);
    if (node === undefined || ms === 0) continue;
    const stack = stackOf(node);
    // The profiler's own work when it is stopped is not the target's.
    if (stack.some((n) => n.callFrame.url === 'node:inspector')) continue;

    const caller = SPECIAL.has(node.callFrame.functionName)
      ? node
      : (stack.find((n) => n.callFrame.url !== '') ?? node);
    const area = areaOf(caller.callFrame.url, caller.callFrame.functionName);
    totalMs += ms;
    if (area === 'idle') idleMs += ms;
    add(areas, area, ms);
    add(functions, functionLabel(node, caller), ms);
    add(owners, SPECIAL.has(node.callFrame.functionName) ? area : ownerOf(stack), ms);
  }

  const ranked = (map: Map<string, number>, limit: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => ({ name, ms, share: totalMs > 0 ? ms / totalMs : 0 }));
  return {
    totalMs,
    idleShare: totalMs > 0 ? idleMs / totalMs : 0,
    areas: ranked(areas, 12),
    owners: ranked(owners, 10),
    functions: ranked(functions, top),
  };
}

const OUTSIDE = /^(node: |\(native\)|other)/;

/** The outermost frame that belongs to a library or the product; the stack runs leaf first. */
function ownerOf(stack: ProfileNode[]): string {
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i]?.callFrame;
    if (frame === undefined) continue;
    const area = areaOf(frame.url, frame.functionName);
    if (!OUTSIDE.test(area) && !SPECIAL.has(frame.functionName)) return area;
  }
  return 'Node itself (sockets, parsers, microtasks)';
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

/** Groups a script URL into the part of the stack it belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8 / native (program)';
    return '(native)';
  }
  if (url.startsWith('node:')) {
    return /http|net|stream|undici/.test(url) ? 'node: http/net/streams' : 'node: other';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg !== undefined) {
    if (pkg === '@vercel/cosmosdb-server' || pkg === '@zeit/cosmosdb-query') {
      return 'emulator (@vercel/cosmosdb-server)';
    }
    if (pkg.startsWith('@azure/') || pkg.startsWith('@typespec/'))
      return 'Cosmos client (@azure/*)';
    if (pkg === 'hono' || pkg === '@hono/node-server') return 'hono';
    return pkg;
  }
  if (/\/src\//.test(url)) return 'product (src/)';
  if (/\/bench\//.test(url)) return 'bench harness';
  return 'other';
}

function functionLabel(node: ProfileNode, caller: ProfileNode): string {
  const name = (n: ProfileNode) => n.callFrame.functionName || '(anonymous)';
  const where = (n: ProfileNode) =>
    `${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  if (node.callFrame.url !== '') return `${name(node)} ${where(node)}`;
  if (node === caller) return name(node);
  return `${name(node)} (native, from ${name(caller)} ${where(caller)})`;
}

export function formatProfile(summary: ProfileSummary): string {
  const pct = (s: Share) =>
    `${(s.share * 100).toFixed(1).padStart(5)}%  ${s.ms.toFixed(0).padStart(6)} ms  ${s.name}`;
  return [
    `CPU profile of the target during the measured run: ${(summary.totalMs / 1000).toFixed(1)} s ` +
      `sampled, ${(summary.idleShare * 100).toFixed(1)}% idle`,
    'by area (self time, native code charged to its JavaScript caller):',
    ...summary.areas.map((s) => `  ${pct(s)}`),
    'by who started the work (outermost library or product frame):',
    ...summary.owners.map((s) => `  ${pct(s)}`),
    'hottest functions (self time):',
    ...summary.functions.map((s) => `  ${pct(s)}`),
  ].join('\n');
}
