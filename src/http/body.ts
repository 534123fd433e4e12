import type { Context } from 'hono';
import type { z } from 'zod';

/** Request bodies are tiny JSON objects or forms; anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 4 * 1024;

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

/** A body not declared as the type the route reads. */
export class UnsupportedMediaType extends Error {}

/** The client closed the connection before its body arrived in full: nobody to answer. */
export class BodyAborted extends Error {
  constructor() {
    super('the client closed the connection before sending the whole body');
  }
}

/** A body over `BODY_LIMIT_BYTES`. */
export class PayloadTooLarge extends Error {
  constructor() {
    super(`the request body is larger than ${BODY_LIMIT_BYTES} bytes`);
  }
}

/**
 * Parse the JSON body and validate it; every failure names the field and the rule.
 *
 * Every API route that takes a body reads it here, so the rules for bodies live in one place
 * and cost nothing on requests that have none (as middleware they cost every update a layer).
 * The JSON-only rule is also the API's cross-site guard: a browser cannot send JSON to another
 * site without CORS, so another site's page cannot drive the API with a form or a text post.
 */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  if (!isJson(c.req.header('content-type'))) {
    throw new UnsupportedMediaType(
      'send the body as JSON, with the header Content-Type: application/json',
    );
  }
  const text = await readText(c);
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

/** The fields of a URL-encoded form post (what browsers and htmx send); the last value wins. */
export async function parseForm(c: Context): Promise<Record<string, string>> {
  const type = mediaType(c.req.header('content-type'));
  if (type !== 'application/x-www-form-urlencoded') {
    throw new UnsupportedMediaType(
      'send the form URL-encoded, with Content-Type: application/x-www-form-urlencoded',
    );
  }
  return Object.fromEntries(new URLSearchParams(await readText(c)));
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

/**
 * The body as text, refused past the limit. A declared Content-Length is checked before
 * anything is read (Node's parser holds the body to that length); a body of unknown length
 * (chunked) is counted as it arrives and abandoned once it passes the limit.
 */
async function readText(c: Context): Promise<string> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > BODY_LIMIT_BYTES) throw new PayloadTooLarge();
  try {
    return declared !== undefined ? await c.req.text() : await readCounted(c.req.raw.body);
  } catch (error) {
    if (error instanceof PayloadTooLarge) throw error;
    throw new BodyAborted();
  }
}

/** A body of unknown length, given up on as soon as it passes the limit. */
async function readCounted(body: ReadableStream<Uint8Array> | null): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body ?? []) {
    size += chunk.byteLength;
    if (size > BODY_LIMIT_BYTES) throw new PayloadTooLarge();
    chunks.push(chunk);
  }
  // Decoded as the declared-length path decodes (a leading byte-order mark is dropped).
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function isJson(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Only spaces and tabs are trimmed, as HTTP defines them: the dashboard's cross-site guard (Hono's
 * csrf) must recognise a form by the same header text this reads as one, or a type written with
 * an exotic leading space would pass as a form here while the guard let it through unchecked.
 */
function mediaType(contentType: string | undefined): string {
  return (contentType?.split(';')[0] ?? '').replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase();
}
