/**
 * Consumers as in consumer.js, while one more VU splits the counter by SPLIT_COUNT shards
 * (default 2) and merges them back, alternating every INTERVAL seconds (default 5).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e VUS=20 -e DURATION=1m loadtest/split-under-load.js
 *
 * Every split or merge must answer 200 with the asked-for shard count and an aggregate that is
 * not negative, or 409 busy when someone else holds the management lease. After the run, the
 * aggregate must still equal the start minus every acknowledged decrement.
 */
/* global __ENV, console */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import {
  METRIC,
  managementAction,
  manage,
  readConfig,
  readCounter,
  readWholeNumber,
  sharedThresholds,
} from './lib/counter.js';
import {
  consume,
  decrementMetrics,
  prepareCounter,
  recordFinalAggregate,
  summaryWithExactness,
} from './lib/k6.js';

const config = readConfig(__ENV, { vus: 20, duration: '1m', initialValue: 1000000 });
const splitCount = readWholeNumber(__ENV, 'SPLIT_COUNT', 2);
const intervalSeconds = readWholeNumber(__ENV, 'INTERVAL', 5);

const managementOk = new Counter(METRIC.managementOk);
const managementBusy = new Counter(METRIC.managementBusy);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    consumers: { executor: 'constant-vus', vus: config.vus, duration: config.duration },
    management: {
      executor: 'constant-vus',
      exec: 'reshard',
      vus: 1,
      duration: config.duration,
      startTime: '1s',
    },
  },
  thresholds: {
    ...sharedThresholds(config),
    [`${METRIC.managementOk}`]: ['count>0'],
  },
};

export function setup() {
  return prepareCounter(config, 'k6 split under load');
}

/** @param {{ counterId: string }} data */
export default function (data) {
  consume(config, data.counterId);
}

/** @param {{ counterId: string }} data */
export function reshard(data) {
  const action = managementAction(exec.vu.iterationInScenario);
  const before = readCounter(http, config.baseUrl, data.counterId).activeShards;
  const result = manage(http, config.baseUrl, data.counterId, action, splitCount, before);

  check(result, {
    [`${action} kept the shard count and the aggregate right`]: (r) => r.outcome !== 'unexpected',
  });
  decrementMetrics.unexpected.add(result.outcome === 'unexpected', { name: action });
  if (result.outcome === 'ok') managementOk.add(1, { name: action });
  if (result.outcome === 'busy') managementBusy.add(1, { name: action });
  if (result.problem !== undefined) console.warn(result.problem);

  sleep(intervalSeconds);
}

/** @param {{ counterId: string }} data */
export function teardown(data) {
  recordFinalAggregate(config, data);
}

/** @param {import('./lib/counter.js').SummaryData} data */
export function handleSummary(data) {
  return summaryWithExactness(data);
}
