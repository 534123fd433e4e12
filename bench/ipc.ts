/** Messages between bench/main.ts and the target process it forks (bench/target.ts). */

export type ToTarget =
  | { type: 'counters'; id: number }
  | { type: 'value'; id: number }
  /** Start or stop the V8 sampling profiler; stopping writes the profile to `file`. */
  | { type: 'profile'; id: number; action: 'start' }
  | { type: 'profile'; id: number; action: 'stop'; file: string }
  | { type: 'stop' };

export type FromTarget =
  | { type: 'ready'; url: string }
  /** What the target has counted so far; answering makes no store request. */
  | {
      type: 'counters';
      id: number;
      storeRequests: number;
      storeConnections: number;
      retries: number;
    }
  /** The count now, read through the store (and for `distributed`, through the product's API). */
  | { type: 'value'; id: number; value?: number; error?: string }
  | { type: 'profile'; id: number; error?: string };
