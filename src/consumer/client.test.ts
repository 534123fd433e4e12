import { describe, expect, it } from 'vitest';
import { classifyResponse, networkReason, parseRetryAfter } from './client.js';

describe('classifyResponse', () => {
  it('should count a 200 as a success of the amount sent', () => {
    expect(classifyResponse(200, { counterId: 'c', delta: -2 }, null, 2)).toEqual({
      outcome: { kind: 'success', amount: 2 },
    });
  });

  it('should count a 409 insufficient as an expected refusal', () => {
    const body = { error: { code: 'insufficient', message: 'cannot decrement by 3' } };
    expect(classifyResponse(409, body, null, 3)).toEqual({
      outcome: { kind: 'insufficient', amount: 3 },
    });
  });

  it('should count any other 409 as an error', () => {
    const body = { error: { code: 'contended', message: 'retry' } };
    expect(classifyResponse(409, body, null, 1).outcome).toEqual({
      kind: 'error',
      amount: 1,
      reason: '409 contended',
    });
  });

  it('should keep the Retry-After of a 503 for the worker to honour', () => {
    const body = { error: { code: 'store_unavailable', message: 'down' } };
    expect(classifyResponse(503, body, '2', 1)).toEqual({
      outcome: { kind: 'error', amount: 1, reason: '503 store_unavailable' },
      retryAfterMs: 2000,
    });
  });

  it('should name a status without a JSON error body by its number', () => {
    expect(classifyResponse(502, undefined, null, 1).outcome).toMatchObject({ reason: '502' });
    expect(classifyResponse(500, { error: 'flat string' }, null, 1).outcome).toMatchObject({
      reason: '500',
    });
  });
});

describe('parseRetryAfter', () => {
  it('should read seconds', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter('0.5')).toBe(500);
  });

  it('should ignore what it does not understand', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('networkReason', () => {
  it('should call a timeout a timeout', () => {
    expect(networkReason(new DOMException('late', 'TimeoutError'))).toBe('timeout');
  });

  it('should name the system error behind a failed fetch', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(networkReason(new TypeError('fetch failed', { cause }))).toBe('network: ECONNREFUSED');
  });

  it('should fall back to the message', () => {
    expect(networkReason(new Error('socket hang up'))).toBe('network: socket hang up');
  });
});
