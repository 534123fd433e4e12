/**
 * Expected failures of the counter core, as typed classes. The HTTP layer maps each to a
 * status code in one place; anything else is a bug and becomes a generic 500.
 */

export abstract class CounterError extends Error {
  abstract readonly code: string;
}

export class CounterNotFound extends CounterError {
  readonly code = 'not_found';
  constructor(readonly counterId: string) {
    super(`counter ${counterId} does not exist`);
  }
}

/** A bounded counter holds fewer units than the decrement asked for. */
export class Insufficient extends CounterError {
  readonly code = 'insufficient';
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super(`cannot decrement by ${requested}: the counter holds ${available}`);
  }
}

/** A request that is well-formed but breaks a rule of the counter (shard limits, range). */
export class InvalidOperation extends CounterError {
  readonly code = 'invalid_request';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another split or merge holds the counter's management lease. */
export class ManagementBusy extends CounterError {
  readonly code = 'busy';
  constructor(
    counterId: string,
    readonly retryAfterMs: number,
  ) {
    super(`a split or merge is already running on counter ${counterId}`);
  }
}

/**
 * A split or merge ran past its lease (a store request slower than the lease, say) and another
 * call took the counter over, so it stopped part way. The total is exact and the counter
 * usable; the shard count may be between the old one and the one asked for.
 */
export class LeaseLost extends CounterError {
  readonly code = 'lease_lost';
  constructor(counterId: string) {
    super(
      `the split or merge on counter ${counterId} outlived its lease and stopped part way; ` +
        'the total is exact: read the counter before retrying',
    );
  }
}

/** The store refused for rate (429) after our bounded retries. */
export class StoreThrottled extends CounterError {
  readonly code = 'throttled';
  constructor(readonly retryAfterMs: number) {
    super('the store is throttling requests; retry later');
  }
}

/** The store could not be reached or answered 503. Nothing was applied. */
export class StoreUnavailable extends CounterError {
  readonly code = 'store_unavailable';
  constructor(
    readonly retryAfterMs: number,
    readonly detail: string,
  ) {
    super(`the store is unavailable: ${detail}`);
  }
}

/** A write timed out or its connection dropped: it may or may not have been applied. */
export class OutcomeUnknown extends CounterError {
  readonly code = 'outcome_unknown';
  constructor(readonly detail: string) {
    super(`the store did not confirm the write (${detail}); it may or may not have been applied`);
  }
}

/** Writers kept racing for the same units; the counter may have enough, so this is not "insufficient". */
export class Contended extends CounterError {
  readonly code = 'contended';
  constructor(readonly retryAfterMs: number) {
    super('the counter is under heavy contention; retry');
  }
}

/** The Idempotency-Key was first used for a different operation. */
export class IdempotencyMismatch extends CounterError {
  readonly code = 'idempotency_mismatch';
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was already used for a different operation on this counter`);
  }
}
