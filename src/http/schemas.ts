import { z } from 'zod';
import { MAX_SHARDS } from '../counter/model.js';

/**
 * Request bodies, validated at the edge. JSON and HTML forms share these schemas; forms send
 * strings, so the web layer converts numeric fields with `z.coerce` variants below.
 */

const amountRule = 'must be a whole number from 1 to 9007199254740991';
const initialRule = 'must be a whole number from 0 to 9007199254740991';
const shardsRule = `must be a whole number from 1 to ${MAX_SHARDS}`;

/** A missing field says so; a present but wrong one states the rule and what came instead. */
function typeRule(rule: string) {
  return (issue: { input?: unknown }) => {
    const input = issue.input;
    if (input === undefined) return 'is required';
    if (input === null) return `${rule} (got null)`;
    if (Array.isArray(input)) return `${rule} (got an array)`;
    if (Number.isNaN(input)) return `${rule} (got something that is not a number)`;
    if (input === Infinity || input === -Infinity) return `${rule} (got a number out of range)`;
    return typeof input === 'string' ? `${rule} (got a string)` : `${rule} (got ${typeof input})`;
  };
}

const wholeNumber = (rule: string, min: number, max: number) =>
  z
    .number({ error: typeRule(rule) })
    .int({ error: rule })
    .min(min, { error: rule })
    .max(max, { error: rule });

export const createCounterBody = z.strictObject({
  name: z
    .string({ error: typeRule('must be a string') })
    .trim()
    .max(100, { error: 'must be at most 100 characters' })
    .optional(),
  initialValue: wholeNumber(initialRule, 0, Number.MAX_SAFE_INTEGER),
  shards: wholeNumber(shardsRule, 1, MAX_SHARDS),
  bounded: z.boolean({ error: typeRule('must be true or false') }).default(true),
});

export const amountBody = z.strictObject({
  amount: wholeNumber(amountRule, 1, Number.MAX_SAFE_INTEGER),
});

export const countBody = z.strictObject({
  count: wholeNumber(`must be a whole number from 1 to ${MAX_SHARDS - 1}`, 1, MAX_SHARDS - 1),
});

/** Any 8-4-4-4-12 hex id, not only RFC 4122 variants: people type IDs by hand. */
export const counterId = z.guid({
  error: 'must be a UUID such as 1b4e28ba-2fa1-4d2b-883f-0016d3cca427',
});

export type CreateCounterBody = z.infer<typeof createCounterBody>;

/** Printable, header-safe, short enough to hash cheaply. A UUID per operation is typical. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, {
  error: 'must be 1 to 100 letters, digits, dots, dashes, underscores or colons',
});
