/**
 * The original sample's consumer as a k6 test: VUS virtual users, each decrementing the counter
 * by a random 1-3 and pausing THINK_MS (default 250-500 ms; 0 for full speed).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e VUS=8 -e DURATION=30s loadtest/consumer.js
 *
 * Without COUNTER_ID, setup() creates a bounded counter of INITIAL_VALUE units over SHARDS
 * shards. The run fails on more than 1% unexpected answers (200 and 409 insufficient are
 * expected) or a decrement p95 over P95_MS; the last line says whether the aggregate is exact.
 */
/* global __ENV */
import { readConfig, sharedThresholds } from './lib/counter.js';
import { consume, prepareCounter, recordFinalAggregate, summaryWithExactness } from './lib/k6.js';

const config = readConfig(__ENV, { initialValue: 100000 });

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    consumers: { executor: 'constant-vus', vus: config.vus, duration: config.duration },
  },
  thresholds: sharedThresholds(config),
};

export function setup() {
  return prepareCounter(config, 'k6 consumer');
}

/** @param {{ counterId: string }} data */
export default function (data) {
  consume(config, data.counterId);
}

/** @param {{ counterId: string }} data */
export function teardown(data) {
  recordFinalAggregate(config, data);
}

/** @param {import('./lib/counter.js').SummaryData} data */
export function handleSummary(data) {
  return summaryWithExactness(data);
}
