import type { z } from 'zod';
import type { CreateCounterInput } from '../counter/model.js';
import { countBody, createCounterBody } from '../http/schemas.js';

/**
 * HTML forms validated with the same schemas as the JSON API. Forms send strings, so numeric
 * fields become numbers first (a blank stays missing), and an unchecked checkbox is absent.
 */

export type FormBody = Record<string, string | File | (string | File)[]>;

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** What the user typed into the create form, kept to show it again next to any error. */
export interface CreateFormValues {
  name: string;
  initialValue: string;
  shards: string;
  bounded: boolean;
}

export const CREATE_DEFAULTS: CreateFormValues = {
  name: '',
  initialValue: '1000',
  shards: '10',
  bounded: true,
};

const LABELS: Record<string, string> = {
  name: 'Name',
  initialValue: 'Initial value',
  shards: 'Shards',
  bounded: 'Bounded',
  count: 'Count',
};

export function createFormValues(body: FormBody): CreateFormValues {
  return {
    name: text(body, 'name'),
    initialValue: text(body, 'initialValue'),
    shards: text(body, 'shards'),
    // A ticked checkbox sends 'on'; a hand-made post may say false.
    bounded: !['', 'false', 'off', '0'].includes(text(body, 'bounded').toLowerCase()),
  };
}

export function parseCreateForm(values: CreateFormValues): FormResult<CreateCounterInput> {
  return check(createCounterBody, {
    name: values.name.trim() === '' ? undefined : values.name,
    initialValue: toNumber(values.initialValue),
    shards: toNumber(values.shards),
    bounded: values.bounded,
  });
}

export function parseCountForm(body: FormBody): FormResult<number> {
  const parsed = check(countBody, { count: toNumber(text(body, 'count')) });
  return parsed.ok ? { ok: true, value: parsed.value.count } : parsed;
}

/** "Shards must be a whole number from 1 to 100": the message names the field. */
export function describeErrors(errors: Record<string, string>): string {
  return Object.entries(errors)
    .map(([field, message]) => `${LABELS[field] ?? field} ${message}`)
    .join('; ');
}

function check<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };

  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

function text(body: FormBody, field: string): string {
  const value = body[field];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Decimal digits only, as a person types them; `0x10` or `1e3` is not read as a number. */
function toNumber(value: string): number | undefined {
  const typed = value.trim();
  if (typed === '') return undefined;
  return /^[+-]?\d+(\.\d+)?$/.test(typed) ? Number(typed) : Number.NaN;
}
