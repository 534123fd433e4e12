/** The four things the benchmark measures side by side; see bench/targets.ts for each. */
export const SCENARIOS = [
  'http-ceiling',
  'single-doc-occ',
  'single-doc-patch',
  'distributed',
  'distributed-unbatched',
] as const;

export type Scenario = (typeof SCENARIOS)[number];

export const DESCRIPTIONS: Record<Scenario, string> = {
  'http-ceiling': 'bare Hono route subtracting from a number in memory',
  'single-doc-occ': 'one document: read, replace with If-Match, retry on 412',
  'single-doc-patch': 'one document: one conditional incr patch',
  distributed: "the product's decrement API, bounded counter with 10 shards",
  'distributed-unbatched': 'the same with GROUP_COMMIT=off: one patch per update',
};

/**
 * Every scenario decrements by 1 a bounded count that starts far above what a run can use, so
 * refusals never dominate and each does the same logical work.
 */
export const INITIAL_VALUE = 1_000_000_000_000;
export const SHARDS = 10;

export function isScenario(name: string): name is Scenario {
  return (SCENARIOS as readonly string[]).includes(name);
}
