import { randomUUID } from 'node:crypto';
import type { Outcome } from './stats.js';

/** Longer than any answer a healthy server gives; a request past it counts as an error. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface DecrementResult {
  outcome: Outcome;
  /** How long the server asked us to wait (429/503 `Retry-After`), if it did. */
  retryAfterMs?: number;
}

export type CounterLookup = { found: true; aggregate: number } | { found: false; message: string };

/** The few calls the consumer makes to the counter API, over the platform's `fetch`. */
export class CounterClient {
  constructor(private readonly baseUrl: string) {}

  /** Reads a counter; "not found" and "not a valid ID" are answers, anything else throws. */
  async lookup(counterId: string): Promise<CounterLookup> {
    const response = await fetch(this.counterUrl(counterId), {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await readJson(response);

    if (response.ok) {
      const aggregate =
        typeof body === 'object' && body !== null && 'aggregate' in body
          ? body.aggregate
          : undefined;
      if (typeof aggregate !== 'number')
        throw new Error(`GET ${response.url}: answer has no aggregate`);
      return { found: true, aggregate };
    }
    if (response.status === 404 || response.status === 400) {
      return { found: false, message: errorOf(body)?.message ?? `HTTP ${response.status}` };
    }
    throw new Error(
      `GET ${response.url}: HTTP ${response.status} ${errorOf(body)?.message ?? ''}`.trim(),
    );
  }

  /** One decrement with its own idempotency key; never throws. */
  async decrement(counterId: string, amount: number): Promise<DecrementResult> {
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(`${this.counterUrl(counterId)}/decrement`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ amount }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      body = await readJson(response);
    } catch (error) {
      return { outcome: { kind: 'error', amount, reason: networkReason(error) } };
    }
    return classifyResponse(response.status, body, response.headers.get('retry-after'), amount);
  }

  private counterUrl(counterId: string): string {
    return `${this.baseUrl}/api/counters/${encodeURIComponent(counterId)}`;
  }
}

/**
 * 2xx is a success, 409 with code `insufficient` an expected refusal; everything else (other
 * 409s such as `busy` or `contended` included) is an error named by status and code.
 */
export function classifyResponse(
  status: number,
  body: unknown,
  retryAfter: string | null,
  amount: number,
): DecrementResult {
  if (status >= 200 && status < 300) return { outcome: { kind: 'success', amount } };

  const code = errorOf(body)?.code;
  if (status === 409 && code === 'insufficient')
    return { outcome: { kind: 'insufficient', amount } };

  const reason = code === undefined ? String(status) : `${status} ${code}`;
  const result: DecrementResult = { outcome: { kind: 'error', amount, reason } };
  const wait = parseRetryAfter(retryAfter);
  if (wait !== undefined) result.retryAfterMs = wait;
  return result;
}

/** `Retry-After` in seconds (the HTTP-date form is not used by this API). */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+(\.\d+)?\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}

export function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'timeout';
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  if (code !== undefined) return `network: ${code}`;
  return `network: ${error instanceof Error ? error.message : String(error)}`;
}

function errorOf(body: unknown): { code?: string; message?: string } | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  return {
    code: 'code' in error && typeof error.code === 'string' ? error.code : undefined,
    message: 'message' in error && typeof error.message === 'string' ? error.message : undefined,
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
