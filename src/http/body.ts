import type { Context } from 'hono';
import type { z } from 'zod';

/** A request that failed validation, with the field it concerns. Thrown to the error handler. */
export class BadRequest extends Error {
  constructor(
    readonly code: 'invalid_json' | 'invalid_request',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A POST whose body is not declared as JSON. */
export class UnsupportedMediaType extends Error {
  constructor() {
    super('send the body as JSON, with the header Content-Type: application/json');
  }
}

/** Parse the JSON body and validate it; every failure names the field and the rule. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    throw new BadRequest('invalid_json', 'the request body is not valid JSON');
  }
  if (json === undefined) {
    throw new BadRequest('invalid_request', 'the request needs a JSON object body');
  }
  return validate(schema, json);
}

export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  // An unknown field usually explains the rest ("value" sent for "amount"), so name it first.
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue === undefined) throw new BadRequest('invalid_request', 'the request is not valid');
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    throw new BadRequest('invalid_request', `${key}: is not a known field`, key);
  }
  const field = issue.path.join('.');
  if (field === '')
    throw new BadRequest('invalid_request', 'the request body must be a JSON object');
  throw new BadRequest('invalid_request', `${field}: ${issue.message}`, field);
}
