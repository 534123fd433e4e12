import { describe, expect, it } from 'vitest';
import type { ShardView } from '../counter/model.js';
import { ShardHistory } from './history.js';

const shard = (id: string, amount: number): ShardView => ({
  id,
  seq: Number(id.slice(1)),
  amount,
  status: 'active',
});

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ShardHistory', () => {
  it('should record each shard amount by id with the time', () => {
    const time = clock();
    const history = new ShardHistory({ now: time.now });

    const samples = history.record('c1', [shard('s0', 5), shard('s1', 7)]);

    expect(samples).toEqual([{ t: 1_000_000, amounts: { s0: 5, s1: 7 } }]);
  });

  it('should keep only the last window of samples', () => {
    const time = clock();
    const history = new ShardHistory({ now: time.now, windowMs: 10_000, minIntervalMs: 1_000 });

    for (let i = 0; i < 30; i++) {
      history.record('c1', [shard('s0', i)]);
      time.advance(1_000);
    }

    const samples = history.samples('c1');
    expect(samples.length).toBeLessThanOrEqual(11);
    expect(samples.at(-1)?.amounts).toEqual({ s0: 29 });
    expect(samples[0]?.t).toBeGreaterThanOrEqual(time.now() - 10_000);
  });

  it('should update the last sample instead of adding one when sampled again too soon', () => {
    const time = clock();
    const history = new ShardHistory({ now: time.now, minIntervalMs: 1_000 });

    history.record('c1', [shard('s0', 1)]);
    time.advance(300);
    const samples = history.record('c1', [shard('s0', 2)]);

    expect(samples).toEqual([{ t: 1_000_000, amounts: { s0: 2 } }]);
  });

  it('should drop the least recently sampled counter beyond the cap', () => {
    const time = clock();
    const history = new ShardHistory({ now: time.now, maxCounters: 2 });

    history.record('a', [shard('s0', 1)]);
    history.record('b', [shard('s0', 1)]);
    history.record('a', [shard('s0', 2)]);
    history.record('c', [shard('s0', 1)]);

    expect(history.trackedCounters).toBe(2);
    expect(history.samples('b')).toEqual([]);
    expect(history.samples('a')).toHaveLength(1);
  });

  it('should forget a counter nobody looked at for a whole window', () => {
    const time = clock();
    const history = new ShardHistory({ now: time.now, windowMs: 5_000 });

    history.record('old', [shard('s0', 1)]);
    time.advance(6_000);
    history.record('new', [shard('s0', 1)]);

    expect(history.trackedCounters).toBe(1);
    expect(history.samples('old')).toEqual([]);
  });
});
