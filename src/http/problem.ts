import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  Contended,
  CounterError,
  CounterNotFound,
  IdempotencyMismatch,
  Insufficient,
  InvalidOperation,
  LeaseLost,
  ManagementBusy,
  OutcomeUnknown,
  StoreThrottled,
  StoreUnavailable,
} from '../counter/errors.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The one error shape of the API: `{ "error": { "code", "message", "field"? } }`. */
export interface Problem {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  field?: string;
  retryAfterMs?: number;
}

export function problemResponse(c: Context, problem: Problem): Response {
  if (problem.retryAfterMs !== undefined) {
    c.header('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfterMs / 1000))));
  }
  const { code, message, field } = problem;
  return c.json(
    { error: field === undefined ? { code, message } : { code, message, field } },
    problem.status,
  );
}

/** Domain errors to HTTP, in one place. Undefined means "not expected": a bug, answered 500. */
export function problemOf(error: unknown): Problem | undefined {
  if (!(error instanceof CounterError)) return undefined;
  const base = { code: error.code, message: error.message };

  if (error instanceof CounterNotFound) return { ...base, status: 404 };
  if (error instanceof Insufficient) return { ...base, status: 409 };
  if (error instanceof ManagementBusy) {
    return { ...base, status: 409, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof InvalidOperation) return { ...base, status: 400, field: error.field };
  if (error instanceof LeaseLost) return { ...base, status: 409 };
  if (error instanceof IdempotencyMismatch) {
    return { ...base, status: 422, field: IDEMPOTENCY_HEADER };
  }
  if (error instanceof StoreThrottled)
    return { ...base, status: 429, retryAfterMs: error.retryAfterMs };
  if (error instanceof Contended) return { ...base, status: 503, retryAfterMs: error.retryAfterMs };
  if (error instanceof StoreUnavailable) {
    return { ...base, status: 503, retryAfterMs: error.retryAfterMs };
  }
  // Not "failed": the caller must not assume the update was lost, nor that it landed.
  if (error instanceof OutcomeUnknown) return { ...base, status: 503, retryAfterMs: 1000 };
  return { ...base, status: 500 };
}
