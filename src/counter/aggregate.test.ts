import { describe, expect, it } from 'vitest';
import { aggregateOf } from './aggregate.js';
import type { ShardDoc } from './model.js';

const shard = (id: string, amount: number, extra: Partial<ShardDoc> = {}): ShardDoc => ({
  id,
  pk: 'c',
  type: 'shard',
  seq: 1,
  amount,
  status: 'active',
  outbox: {},
  inbox: {},
  marks: {},
  ...extra,
});

describe('aggregateOf', () => {
  it('should sum shard amounts', () => {
    expect(aggregateOf([shard('a', 3), shard('b', 4)])).toBe(7);
  });

  it('should count units debited but not yet credited once', () => {
    const source = shard('a', 1, { outbox: { t1: { to: 'b', amount: 2 } } });
    expect(aggregateOf([source, shard('b', 4)])).toBe(7);
  });

  it('should not count a transfer twice once the target recorded it', () => {
    const source = shard('a', 1, { outbox: { t1: { to: 'b', amount: 2 } } });
    const target = shard('b', 6, { inbox: { t1: 1 } });
    expect(aggregateOf([source, target])).toBe(7);
  });

  it('should count a transfer whose target is not in the snapshot', () => {
    const source = shard('a', 1, { outbox: { t1: { to: 'gone', amount: 2 } } });
    expect(aggregateOf([source])).toBe(3);
  });
});
