import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THINK,
  DEFAULT_URL,
  UsageError,
  parseConsumerArgs,
  parseThinkTime,
} from './args.js';

describe('parseConsumerArgs', () => {
  it('should apply the defaults when no flag is given', () => {
    expect(parseConsumerArgs([])).toEqual({
      url: DEFAULT_URL,
      counter: undefined,
      workers: undefined,
      duration: undefined,
      think: DEFAULT_THINK,
      quiet: false,
      help: false,
    });
  });

  it('should read every flag', () => {
    const options = parseConsumerArgs([
      '--url',
      'http://127.0.0.1:8080/',
      '--counter',
      ' abc ',
      '--workers',
      '8',
      '--duration',
      '2.5',
      '--think-ms',
      '0',
      '--quiet',
    ]);
    expect(options).toMatchObject({
      url: 'http://127.0.0.1:8080',
      counter: 'abc',
      workers: 8,
      duration: 2.5,
      think: { min: 0, max: 0 },
      quiet: true,
    });
  });

  it('should accept --flag=value and -h', () => {
    expect(parseConsumerArgs(['--workers=3', '-h'])).toMatchObject({ workers: 3, help: true });
  });

  it.each([
    [['--workers', '0'], /--workers/],
    [['--workers', '-2'], /--workers/],
    [['--workers', '1.5'], /--workers/],
    [['--workers', 'many'], /--workers/],
    [['--workers', '100000'], /--workers/],
    [['--duration', '0'], /--duration/],
    [['--duration', 'soon'], /--duration/],
    [['--url', 'localhost:3000'], /--url/],
    [['--url', 'ftp://127.0.0.1'], /--url/],
    [['--counter', '  '], /--counter/],
    [['--bogus'], /bogus/],
    [['stray'], /stray/],
  ])('should refuse %j with a message naming the flag', (argv, message) => {
    expect(() => parseConsumerArgs(argv)).toThrow(UsageError);
    expect(() => parseConsumerArgs(argv)).toThrow(message);
  });
});

describe('parseThinkTime', () => {
  it('should read one number as a fixed pause', () => {
    expect(parseThinkTime('250')).toEqual({ min: 250, max: 250 });
  });

  it('should read a range', () => {
    expect(parseThinkTime('100-200')).toEqual({ min: 100, max: 200 });
    expect(parseThinkTime(' 100 - 200 ')).toEqual({ min: 100, max: 200 });
  });

  it('should read 0 as full speed', () => {
    expect(parseThinkTime('0')).toEqual({ min: 0, max: 0 });
  });

  it.each(['', '-5', '1.5', '200-100', 'fast', '1-2-3'])('should refuse %j', (text) => {
    expect(() => parseThinkTime(text)).toThrow(/--think-ms/);
  });
});
