import { outcomeOf, type Outcome } from '../support/history.js';

/** A small client for the counter API, as the fault tests use it. */

export interface ShardView {
  id: string;
  seq: number;
  amount: number;
  status: 'active' | 'draining' | 'retired';
}

export interface CounterView {
  id: string;
  aggregate: number;
  activeShards: number;
  shards: ShardView[];
}

export interface Answer {
  status: number;
  code: string | undefined;
  body: unknown;
  headers: Headers;
}

const NO_ANSWER = { status: 0, body: undefined, headers: new Headers() };

/** One request; a network failure or our own timeout answers status 0 with the reason. */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number },
): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON; keep the text
    }
    return { status: res.status, code: errorCode(body), body, headers: res.headers };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (typeof cause === 'string') return { ...NO_ANSWER, code: `${reason} (${cause})` };
    return { ...NO_ANSWER, code: reason };
  }
}

export async function createCounter(
  base: string,
  input: { initialValue: number; shards: number; bounded?: boolean },
): Promise<CounterView> {
  const answer = await call(`${base}/api/counters`, { body: input });
  if (answer.status !== 201) throw new Error(`create answered ${answer.status}: ${show(answer)}`);
  return answer.body as CounterView;
}

export async function readCounter(base: string, id: string): Promise<CounterView | undefined> {
  const answer = await call(`${base}/api/counters/${id}`, { timeoutMs: 20_000 });
  return answer.status === 200 ? (answer.body as CounterView) : undefined;
}

/** An increment or decrement, classified for the history checker. */
export async function applyDelta(
  base: string,
  id: string,
  delta: number,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ outcome: Outcome; detail: string; answer: Answer }> {
  const route = delta >= 0 ? 'increment' : 'decrement';
  const answer = await call(`${base}/api/counters/${id}/${route}`, {
    body: { amount: Math.abs(delta) },
    headers,
    timeoutMs,
  });
  // A refused connection never reached the server; anything else unanswered may have.
  const outcome =
    answer.status !== 0
      ? outcomeOf(answer.status, answer.code)
      : answer.code?.includes('ECONNREFUSED')
        ? 'failed'
        : 'unknown';
  return { outcome, detail: `${answer.status} ${answer.code ?? ''}`.trim(), answer };
}

export function manage(base: string, id: string, action: 'split' | 'merge', count = 1) {
  return call(`${base}/api/counters/${id}/${action}`, { body: { count }, timeoutMs: 60_000 });
}

/** Poll until /readyz answers 200 (bounded). */
export async function waitReady(base: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await call(`${base}/readyz`, { timeoutMs: 5_000 })).status === 200) return;
    await sleep(100);
  }
  throw new Error(`${base} not ready within ${timeoutMs} ms`);
}

export function show(answer: Answer): string {
  return `${answer.status} ${JSON.stringify(answer.body)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: { code?: unknown } }).error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
