import { z } from 'zod';
import { MAX_SHARDS } from '../counter/model.js';

/**
 * Request bodies, validated at the edge. JSON and HTML forms share these schemas; forms send
 * strings, so the web layer converts numeric fields with `z.coerce` variants below.
 */

const amountRule = 'must be a whole number from 1 to 9007199254740991';
const initialRule = 'must be a whole number from 0 to 9007199254740991';
const shardsRule = `must be a whole number from 1 to ${MAX_SHARDS}`;

const wholeNumber = (rule: string, min: number, max: number) =>
  z
    .number({ error: rule })
    .int({ error: rule })
    .min(min, { error: rule })
    .max(max, { error: rule });

export const createCounterBody = z.strictObject({
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .max(100, { error: 'must be at most 100 characters' })
    .optional(),
  initialValue: wholeNumber(initialRule, 0, Number.MAX_SAFE_INTEGER),
  shards: wholeNumber(shardsRule, 1, MAX_SHARDS),
  bounded: z.boolean({ error: 'must be true or false' }).default(true),
});

export const amountBody = z.strictObject({
  amount: wholeNumber(amountRule, 1, Number.MAX_SAFE_INTEGER),
});

export const countBody = z.strictObject({
  count: wholeNumber(`must be a whole number from 1 to ${MAX_SHARDS - 1}`, 1, MAX_SHARDS - 1),
});

export const counterId = z.uuid({ error: 'must be a UUID' });

export type CreateCounterBody = z.infer<typeof createCounterBody>;

/** Printable, header-safe, short enough to hash cheaply. A UUID per operation is typical. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, {
  error: 'must be 1 to 100 letters, digits, dots, dashes, underscores or colons',
});
