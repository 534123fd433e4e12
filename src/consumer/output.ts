import { styleText } from 'node:util';
import type { Outcome } from './stats.js';

/**
 * One line per operation, as the original sample printed them:
 * `Success   Decrement by 2` or `Failed    Decrement by 3 (insufficient)`.
 */
export function formatOperation(outcome: Outcome, colour: boolean): string {
  const ok = outcome.kind === 'success';
  const label = (ok ? 'Success' : 'Failed').padEnd(10);
  const detail =
    outcome.kind === 'success'
      ? ''
      : ` (${outcome.kind === 'insufficient' ? 'insufficient' : outcome.reason})`;
  const line = `${label}Decrement by ${outcome.amount}${detail}`;
  if (!colour) return line;
  return styleText(ok ? 'green' : 'red', line);
}

/** Colour only for a terminal, and never when the user asked for none (https://no-color.org). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
