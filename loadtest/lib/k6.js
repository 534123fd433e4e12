/**
 * The k6 side of the shared module: metrics, the end-of-test summary and the pieces every script
 * wires the same way. This file imports `k6/*` modules, so only k6 loads it; the logic it calls
 * lives in counter.js and stages.js, which the Node tests cover.
 */
/* global console */
import { check, sleep } from 'k6';
import crypto from 'k6/crypto';
import http from 'k6/http';
import { Counter, Gauge, Rate } from 'k6/metrics';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';
import {
  METRIC,
  consumeOnce,
  createCounter,
  exactnessFromSummary,
  readCounter,
  uuidFromBytes,
} from './counter.js';

/** 409 is expected (insufficient, or a busy management lease); counter.js tells them apart. */
http.setResponseCallback(http.expectedStatuses(200, 201, 409));

export const decrementMetrics = {
  success: new Counter(METRIC.success),
  insufficient: new Counter(METRIC.insufficient),
  units: new Counter(METRIC.units),
  unexpected: new Rate(METRIC.unexpected),
};

const finalAggregate = new Gauge(METRIC.finalAggregate);

/** @returns {string} */
function uuid() {
  return uuidFromBytes(new Uint8Array(crypto.randomBytes(16)));
}

/**
 * `setup()` for every script: use COUNTER_ID, or create a bounded counter and say its ID.
 *
 * @param {import('./counter.js').Config} config
 * @param {string} name
 * @returns {{ counterId: string, startAggregate: number }}
 */
export function prepareCounter(config, name) {
  if (config.counterId !== undefined) {
    const view = readCounter(http, config.baseUrl, config.counterId);
    console.log(
      `using counter ${view.id}: aggregate ${view.aggregate}, ${view.activeShards} active shards`,
    );
    return { counterId: view.id, startAggregate: view.aggregate };
  }
  const view = createCounter(http, config, name);
  console.log(
    `created counter ${view.id}: ${view.aggregate} units over ${view.activeShards} shards`,
  );
  return { counterId: view.id, startAggregate: view.aggregate };
}

/**
 * One consumer iteration with k6's http, check and sleep.
 *
 * @param {import('./counter.js').Config} config
 * @param {string} counterId
 * @param {Record<string, string>} [tags]
 */
export function consume(config, counterId, tags) {
  return consumeOnce(
    { http, check, sleep, random: Math.random, uuid, metrics: decrementMetrics },
    config,
    counterId,
    tags,
  );
}

/**
 * `teardown()` for every script: read the final aggregate into a gauge for the summary.
 *
 * @param {import('./counter.js').Config} config
 * @param {{ counterId: string }} data
 */
export function recordFinalAggregate(config, data) {
  finalAggregate.add(readCounter(http, config.baseUrl, data.counterId).aggregate);
}

/**
 * k6's usual text summary followed by the exactness verdict (and any extra lines).
 *
 * @param {import('./counter.js').SummaryData} data
 * @param {string} [extra]
 */
export function summaryWithExactness(data, extra) {
  const verdict = exactnessFromSummary(data);
  const tail = [extra, verdict.line]
    .filter((part) => part !== undefined && part !== '')
    .join('\n\n');
  return { stdout: `${textSummary(data, { indent: ' ', enableColors: true })}\n\n${tail}\n` };
}
