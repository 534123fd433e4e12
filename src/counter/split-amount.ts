/**
 * Spread `total` over `parts` shards exactly: every part gets the floor share and the first
 * `total % parts` parts one more, so the parts sum to the total and none is negative.
 *
 * @example splitAmount(7, 3) // [3, 2, 2]
 */
export function splitAmount(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const remainder = total - base * parts;
  return Array.from({ length: parts }, (_, i) => (i < remainder ? base + 1 : base));
}
