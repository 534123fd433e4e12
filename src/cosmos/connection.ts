import type { StoreConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { StoreUnavailable } from '../counter/errors.js';
import { openStore, type Store } from './store.js';

export type StoreState =
  { state: 'connecting'; cause: string } | { state: 'ready'; store: Store } | { state: 'closed' };

const RETRY_MS = 5_000;

/**
 * Keeps trying to open a remote store, so that a missing role or a container not yet created
 * shows up in /readyz (503, naming the cause) instead of a crash the platform would restart
 * in a loop. The embedded store is opened up front instead: if it fails, nothing can help.
 */
export class StoreConnection {
  private current: StoreState = { state: 'connecting', cause: 'not connected yet' };
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: Array<(store: Store) => void> = [];

  constructor(
    private readonly config: StoreConfig,
    private readonly log: Logger,
  ) {}

  get status(): StoreState {
    return this.current;
  }

  /** Resolves once the first attempt has finished, whether or not it connected. */
  async start(): Promise<void> {
    await this.attempt();
  }

  /** The store, or a 503-mapped error naming why it is not there. */
  require(): Store {
    if (this.current.state === 'ready') return this.current.store;
    const cause = this.current.state === 'connecting' ? this.current.cause : 'shutting down';
    throw new StoreUnavailable(RETRY_MS, cause);
  }

  onReady(callback: (store: Store) => void): void {
    if (this.current.state === 'ready') callback(this.current.store);
    else this.waiters.push(callback);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    const previous = this.current;
    this.current = { state: 'closed' };
    if (previous.state === 'ready') await previous.store.close();
  }

  private async attempt(): Promise<void> {
    try {
      const store = await openStore(this.config, this.log);
      if (this.current.state === 'closed') {
        await store.close();
        return;
      }
      this.current = { state: 'ready', store };
      for (const waiter of this.waiters.splice(0)) waiter(store);
    } catch (error) {
      if (this.config.kind === 'embedded') throw error;
      const cause = explain(error);
      this.current = { state: 'connecting', cause };
      this.log.error({ cause, retryInMs: RETRY_MS }, 'store not reachable; retrying');
      this.timer = setTimeout(() => void this.attempt(), RETRY_MS);
    }
  }
}

/** Turn the usual keyless-deployment failures into a sentence an operator can act on. */
function explain(error: unknown): string {
  const status = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (status === 403) {
    return (
      'the identity was refused by Cosmos DB (403): give it the Cosmos DB Built-in Data ' +
      `Contributor role on the account, and check AZURE_CLIENT_ID (${message})`
    );
  }
  if (status === 401)
    return `the credential was rejected (401): check COSMOS_KEY or the identity (${message})`;
  if (error instanceof Error && error.name === 'CredentialUnavailableError') {
    return `no Azure identity is available: set AZURE_CLIENT_ID or sign in with az login (${message})`;
  }
  return message ?? 'unknown error';
}
