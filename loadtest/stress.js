/**
 * Offers decrements at a rising rate to find where latency bends: each rate in RATES (per
 * second, default 25,50,...,1600) is ramped to in 2 s and held for STEP_SECONDS (default 15).
 * The summary adds a table of p50/p95/p99 per step and names the first step whose p95 is over
 * twice the first step's, or where the server answered under 90% of the offered rate.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 loadtest/stress.js
 *
 * The same checks as consumer.js apply (unexpected answers under 1%, exact aggregate), but no
 * latency threshold: pushing latency past any bound is the point. The counter created by
 * setup() holds 10,000,000 units so that refusals do not hide the bend.
 */
/* global __ENV */
import exec from 'k6/execution';
import { METRIC, readConfig, readWholeNumber } from './lib/counter.js';
import { consume, prepareCounter, recordFinalAggregate, summaryWithExactness } from './lib/k6.js';
import {
  formatSteps,
  parseRates,
  rateAt,
  stageMetric,
  stepRows,
  steppedStages,
} from './lib/stages.js';

const config = { ...readConfig(__ENV, { initialValue: 10000000 }), think: { min: 0, max: 0 } };
const rates = parseRates(__ENV.RATES || '25,50,100,200,400,800,1600');
const holdSeconds = readWholeNumber(__ENV, 'STEP_SECONDS', 15);
const maxVus = readWholeNumber(__ENV, 'MAX_VUS', 500);

/** @type {Record<string, string[]>} */
const thresholds = { [METRIC.unexpected]: ['rate<0.01'] };
// A threshold that always holds makes k6 keep the per-step sub-metric for the summary table.
for (const rate of rates) thresholds[stageMetric(rate)] = ['max>=0'];

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    stress: {
      executor: 'ramping-arrival-rate',
      startRate: rates[0],
      timeUnit: '1s',
      preAllocatedVUs: Math.min(50, maxVus),
      maxVUs: maxVus,
      stages: steppedStages(rates, holdSeconds),
    },
  },
  thresholds,
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'count'],
};

export function setup() {
  return prepareCounter(config, 'k6 stress');
}

/** @param {{ counterId: string }} data */
export default function (data) {
  const stage = rateAt(rates, holdSeconds, Date.now() - exec.scenario.startTime);
  consume(config, data.counterId, { stage });
}

/** @param {{ counterId: string }} data */
export function teardown(data) {
  recordFinalAggregate(config, data);
}

/** @param {import('./lib/counter.js').SummaryData} data */
export function handleSummary(data) {
  return summaryWithExactness(data, formatSteps(stepRows(data, rates, holdSeconds)));
}
