import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS, parseBenchArgs } from './options.js';
import { SCENARIOS } from './scenarios.js';

describe('parseBenchArgs', () => {
  it('should run everything at 1, 16, 64 and 256 connections by default', () => {
    const options = parseBenchArgs([]);
    expect(options.scenarios).toEqual([...SCENARIOS]);
    expect(options.connections).toEqual(DEFAULT_CONNECTIONS);
    expect(options.connections).toEqual([1, 16, 64, 256]);
    expect(options.load.measureSeconds).toBe(5);
    expect(options.load.rounds).toBe(3);
    expect(options.profile).toBe(false);
  });

  it('should profile distributed at 64 connections unless told otherwise', () => {
    expect(parseBenchArgs(['--profile'])).toMatchObject({
      scenarios: ['distributed'],
      connections: [64],
      profile: true,
      load: { rounds: 1 },
    });
    expect(parseBenchArgs(['--profile', '--connections', '16'])).toMatchObject({
      connections: [16],
    });
  });

  it('should keep the fixed scenario order and sort connections', () => {
    const options = parseBenchArgs([
      '--scenarios',
      'distributed,http-ceiling',
      '--connections',
      '64,1,64',
    ]);
    expect(options.scenarios).toEqual(['http-ceiling', 'distributed']);
    expect(options.connections).toEqual([1, 64]);
  });

  it('should shorten runs with --quick', () => {
    expect(parseBenchArgs(['--quick']).load.measureSeconds).toBe(1);
  });

  it.each([
    [['--scenarios', 'redis'], /--scenarios: unknown redis/],
    [['--connections', '0'], /--connections/],
    [['--connections', 'many'], /--connections/],
    [['--connections', '5000'], /--connections/],
    [['--fast'], /fast/],
  ])('should refuse %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
