import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  Contended,
  CounterError,
  CounterNotFound,
  Insufficient,
  InvalidOperation,
  LeaseLost,
  ManagementBusy,
  StoreThrottled,
} from '../counter/errors.js';

export interface WebFailure {
  status: ContentfulStatusCode;
  message: string;
}

/**
 * The status and the sentence a page shows for an expected failure of the counter core, with the
 * same status codes as the JSON API. Anything else is a bug: it is rethrown for the app's handler.
 */
export function webFailure(error: unknown, notFoundHint = ''): WebFailure {
  if (!(error instanceof CounterError)) throw error;

  if (error instanceof CounterNotFound) {
    return { status: 404, message: `No counter with ID ${error.counterId} exists.${notFoundHint}` };
  }
  if (error instanceof InvalidOperation) return { status: 400, message: sentence(error.message) };
  if (error instanceof ManagementBusy) {
    return {
      status: 409,
      message: 'Another split or merge is running on this counter; try again in a moment.',
    };
  }
  if (error instanceof Insufficient || error instanceof Contended || error instanceof LeaseLost) {
    return { status: 409, message: sentence(error.message) };
  }
  if (error instanceof StoreThrottled) return { status: 429, message: sentence(error.message) };
  return { status: 503, message: sentence(error.message) };
}

function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
