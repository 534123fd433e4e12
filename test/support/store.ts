import { openStore, type Store } from '../../src/cosmos/store.js';
import { createLogger } from '../../src/logger.js';

/** A fresh embedded emulator with CounterDB/Counters, through the real client. */
export function openTestStore(): Promise<Store> {
  return openStore(
    {
      kind: 'embedded',
      database: 'CounterDB',
      container: 'Counters',
      port: 0,
      requestTimeoutMs: 10_000,
    },
    createLogger('silent'),
  );
}
