import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatOperation, wantsColour } from './output.js';

describe('formatOperation', () => {
  it('should print a success as the original sample did', () => {
    expect(formatOperation({ kind: 'success', amount: 2 }, false)).toBe('Success   Decrement by 2');
  });

  it('should print a refusal with its reason', () => {
    expect(formatOperation({ kind: 'insufficient', amount: 3 }, false)).toBe(
      'Failed    Decrement by 3 (insufficient)',
    );
    expect(formatOperation({ kind: 'error', amount: 1, reason: 'timeout' }, false)).toBe(
      'Failed    Decrement by 1 (timeout)',
    );
  });

  it('should colour the line only when asked, keeping the same text', () => {
    const line = formatOperation({ kind: 'success', amount: 1 }, true);
    expect(stripVTControlCharacters(line)).toBe('Success   Decrement by 1');
  });
});

describe('wantsColour', () => {
  it('should colour a terminal unless NO_COLOR is set', () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });
});
