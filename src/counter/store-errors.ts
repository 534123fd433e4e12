import { statusOf } from '../cosmos/status.js';
import { CounterError, OutcomeUnknown, StoreThrottled, StoreUnavailable } from './errors.js';

/**
 * The one place where the store's failures become domain errors. Expected answers (404, 409,
 * 412) are handled where they happen; this covers the store being slow, busy or away.
 */

/** Whether the failed request could have changed data: reads never do, writes might. */
export type RequestKind = 'read' | 'write';

const DEFAULT_RETRY_MS = 1000;

/** Translate any error thrown by the Cosmos client; domain errors pass through unchanged. */
export function translateStoreError(error: unknown, kind: RequestKind): Error {
  if (error instanceof CounterError) return error;

  const status = statusOf(error);
  const retryAfter = retryAfterOf(error);
  if (status === 429) return new StoreThrottled(retryAfter);
  // Documents that are missing are answered where they are read; a 404 that gets here means
  // the database or container itself is gone (an emulator restarted empty, say).
  if (status === 404) {
    return new StoreUnavailable(retryAfter, 'the database or container was not found');
  }
  if (status === 503 || status === 502 || status === 500) {
    return new StoreUnavailable(retryAfter, `the store answered ${status}`);
  }
  if (status === 408 || isTimeout(error) || isDroppedConnection(error)) {
    const detail = describe(error);
    return kind === 'write' ? new OutcomeUnknown(detail) : new StoreUnavailable(retryAfter, detail);
  }
  if (isRefusedConnection(error)) return new StoreUnavailable(retryAfter, describe(error));
  return error instanceof Error ? error : new Error(String(error));
}

function retryAfterOf(error: unknown): number {
  const value = (error as { retryAfterInMs?: unknown } | null)?.retryAfterInMs;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_RETRY_MS;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return [code, cause].filter((c) => typeof c === 'string').join(' ');
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    name === 'TimeoutError' ||
    /TIMEOUT|ETIMEDOUT/i.test(errorCode(error)) ||
    /timed? ?out/i.test(describe(error))
  );
}

function isDroppedConnection(error: unknown): boolean {
  return /ECONNRESET|EPIPE|socket hang up/i.test(`${errorCode(error)} ${describe(error)}`);
}

function isRefusedConnection(error: unknown): boolean {
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/i.test(`${errorCode(error)} ${describe(error)}`);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
