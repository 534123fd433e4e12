/**
 * The stepped arrival rate of stress.js and the table that shows where latency bends.
 * No `k6/*` imports: the Node tests use this module as it is.
 */

/** Seconds each step takes to ramp to its rate before holding it. */
export const RAMP_SECONDS = 2;

/**
 * "25,50,100" → [25, 50, 100]; each rate a positive whole number of iterations per second,
 * in increasing order.
 *
 * @param {string} text
 * @returns {number[]}
 */
export function parseRates(text) {
  const rates = text.split(',').map((part) => Number(part.trim()));
  const valid =
    rates.length > 0 &&
    rates.every((r, i) => Number.isSafeInteger(r) && r > 0 && (i === 0 || r > (rates[i - 1] ?? 0)));
  if (!valid)
    throw new Error(
      `RATES must be increasing positive whole numbers such as 25,50,100, got "${text}"`,
    );
  return rates;
}

/**
 * k6 stages for a ramping-arrival-rate scenario: for each rate, a short ramp then a hold.
 *
 * @param {number[]} rates
 * @param {number} holdSeconds
 * @returns {{ target: number, duration: string }[]}
 */
export function steppedStages(rates, holdSeconds) {
  return rates.flatMap((rate) => [
    { target: rate, duration: `${RAMP_SECONDS}s` },
    { target: rate, duration: `${holdSeconds}s` },
  ]);
}

/**
 * The step a moment of the scenario belongs to, named by its rate (a tag value for k6).
 *
 * @param {number[]} rates
 * @param {number} holdSeconds
 * @param {number} elapsedMs since the scenario started
 */
export function rateAt(rates, holdSeconds, elapsedMs) {
  const stepMs = (RAMP_SECONDS + holdSeconds) * 1000;
  const index = Math.min(rates.length - 1, Math.max(0, Math.floor(elapsedMs / stepMs)));
  return String(rates[index]);
}

/**
 * @typedef {{ rate: number, requests: number, achieved: number, p50: number | undefined, p95: number | undefined, p99: number | undefined }} StepRow
 */

/**
 * One row per step from the end-of-test data, read from the `http_req_duration{stage:R}`
 * sub-metrics (the script declares a threshold on each, which is what makes k6 keep them).
 *
 * @param {{ metrics: Record<string, { values: Record<string, number> } | undefined> }} data
 * @param {number[]} rates
 * @param {number} holdSeconds
 * @returns {StepRow[]}
 */
export function stepRows(data, rates, holdSeconds) {
  return rates.map((rate) => {
    const values = data.metrics[stageMetric(rate)]?.values ?? {};
    const requests = values.count ?? 0;
    return {
      rate,
      requests,
      achieved: requests / (RAMP_SECONDS + holdSeconds),
      p50: values.med,
      p95: values['p(95)'],
      p99: values['p(99)'],
    };
  });
}

/** @param {number} rate */
export function stageMetric(rate) {
  return `http_req_duration{stage:${rate}}`;
}

/**
 * The first step where latency bends: its p95 is over `factor` times the first step's, or the
 * server did not keep up with the offered rate (under 90% of it answered).
 *
 * @param {StepRow[]} rows
 * @param {number} [factor]
 * @returns {number | undefined} the rate of that step
 */
export function findBend(rows, factor = 2) {
  const baseline = rows[0]?.p95;
  for (const row of rows.slice(1)) {
    const slower = baseline !== undefined && row.p95 !== undefined && row.p95 > baseline * factor;
    const behind = row.requests > 0 && row.achieved < row.rate * 0.9;
    if (slower || behind) return row.rate;
  }
  return undefined;
}

/**
 * The step table for the end-of-test summary.
 *
 * @param {StepRow[]} rows
 */
export function formatSteps(rows) {
  const bend = findBend(rows);
  const ms = (/** @type {number | undefined} */ v) => (v === undefined ? '-' : v.toFixed(1));
  const lines = ['  offered/s  answered/s   p50 ms   p95 ms   p99 ms'];
  for (const row of rows) {
    const cells = [
      String(row.rate).padStart(9),
      row.achieved.toFixed(1).padStart(11),
      ms(row.p50).padStart(8),
      ms(row.p95).padStart(8),
      ms(row.p99).padStart(8),
    ];
    lines.push(`${cells.join(' ')}${row.rate === bend ? '  <- latency bends here' : ''}`);
  }
  lines.push(
    bend === undefined
      ? 'latency did not bend within the offered rates: raise RATES to go further'
      : `latency bends at about ${bend} decrements/s`,
  );
  return lines.join('\n');
}
