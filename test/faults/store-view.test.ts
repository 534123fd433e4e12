import { describe, expect, it } from 'vitest';
import type { RequestInfo } from '../support/fault-proxy.js';
import { isManagementWrite, storedTotal, type StoredShard } from './store-view.js';

const shard = (id: string, amount: number, extra: Partial<StoredShard> = {}): StoredShard => ({
  id,
  seq: 1,
  amount,
  status: 'active',
  outbox: {},
  inbox: {},
  ...extra,
});

const request = (method: string, path: string, body: string, pk = 'c1'): RequestInfo => ({
  seq: 1,
  method,
  path,
  headers: {},
  body,
  partitionKey: pk,
});

describe('storedTotal', () => {
  it('should count units in flight once: from the outbox until the target records them', () => {
    const debited = shard('a', 6, { outbox: { t1: { to: 'b', amount: 4 } } });

    expect(storedTotal([debited, shard('b', 0)])).toBe(10);
    expect(storedTotal([debited, shard('b', 4, { inbox: { t1: 1_700_000_000_000 } })])).toBe(10);
    expect(storedTotal([shard('a', 6), shard('b', 4, { inbox: { t1: true } })])).toBe(10);
  });
});

describe('isManagementWrite', () => {
  it('should tell split and merge writes from plain updates', () => {
    const docs = '/dbs/CounterDB/colls/Counters/docs';
    expect(isManagementWrite(request('PUT', `${docs}/c1`, '{}'), 'c1')).toBe(true);
    expect(isManagementWrite(request('POST', docs, '{"type":"shard"}'), 'c1')).toBe(true);
    const status = '{"operations":[{"op":"set","path":"/status","value":"draining"}]}';
    expect(isManagementWrite(request('PATCH', `${docs}/s1`, status), 'c1')).toBe(true);

    const update =
      '{"operations":[{"op":"incr","path":"/amount","value":-1}],' +
      '"condition":"from c where c.status = \'active\'"}';
    expect(isManagementWrite(request('PATCH', `${docs}/s1`, update), 'c1')).toBe(false);
    expect(isManagementWrite(request('PUT', `${docs}/c1`, '{}', 'c2'), 'c1')).toBe(false);
  });
});
