// Determinism of the trainable models: initialisation and minibatches are functions of
// (seed, model index, step) only, so training in any chunks of steps gives bit-identical
// parameters, and a model's trajectory does not depend on which other models run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TAG_TRAIN_BATCH, TAG_TRAIN_DATA, TAG_TRAIN_INIT } from '../src/core/constants.js';
import { RngStream, seedKey, uniformGrid } from '../src/core/threefry.js';
import {
  batchRows,
  digitsModel,
  digitsSplit,
  hardModel,
  initialParams,
  regressionData,
  selectRows,
  smoothModel,
  trainingStream,
  type TrainingModel,
  trainSteps,
} from '../src/core/training/index.js';
import { loadDigits } from '../src/node/digits.js';

function chunked<D extends { count: number }>(model: TrainingModel<D>, data: D, cuts: number[], index: number): Float64Array {
  const p = initialParams(model, 9, index);
  for (let c = 0; c + 1 < cuts.length; c++) {
    trainSteps(model, p, data, { seed: 9, model: index, from: cuts[c], to: cuts[c + 1], lr: 0.2, batch: 8 });
  }
  return p;
}

test('training: chunks of steps give bit-identical parameters', () => {
  const reg = regressionData(2, 300);
  const all = loadDigits();
  const digits = selectRows(all, digitsSplit(all).train);
  const cases: [string, () => Float64Array[]][] = [
    [
      'smooth',
      () =>
        [
          [0, 400],
          [0, 1, 2, 3, 150, 399, 400],
          [0, 200, 200, 400],
        ].map((c) => chunked(smoothModel({ h: 0.5 }), reg, c, 3)),
    ],
    [
      'hard',
      () =>
        [
          [0, 400],
          [0, 7, 100, 400],
          [0, 399, 400],
        ].map((c) => chunked(hardModel({ h: 1, lambdaLb: 1 }), reg, c, 5)),
    ],
    [
      'digits',
      () =>
        [
          [0, 60],
          [0, 1, 30, 59, 60],
          [0, 20, 40, 60],
        ].map((c) => chunked(digitsModel({ h: 1, lambdaLb: 1 }), digits, c, 2)),
    ],
  ];
  for (const [name, run] of cases) {
    const [whole, ...parts] = run();
    for (const p of parts) assert.deepEqual(p, whole, name);
    assert.ok(whole.every(Number.isFinite), name);
  }
  // the steps did move the parameters
  assert.notDeepEqual(chunked(smoothModel({ h: 0.5 }), reg, [0, 400], 3), chunked(smoothModel({ h: 0.5 }), reg, [0, 0], 3));
});

test('training: streams are functions of (seed, model, step) and use the training tags', () => {
  const tags = [TAG_TRAIN_INIT, TAG_TRAIN_BATCH, TAG_TRAIN_DATA];
  assert.equal(new Set([0, 1, ...tags]).size, 5, 'distinct from TAG_ROUTING and TAG_INITIAL');
  const model = hardModel();
  const [k0, k1] = seedKey(9);
  const raw = new RngStream(k0, k1).open(4, 0, TAG_TRAIN_INIT);
  const expected = Array.from(model.initScale, (s) => s * (2 * uniformGrid(raw.next()) - 1));
  assert.deepEqual([...initialParams(model, 9, 4)], expected, 'parameter k from word k of (model, 0, TAG_TRAIN_INIT)');
  assert.notDeepEqual(initialParams(model, 9, 4), initialParams(model, 9, 5));
  assert.notDeepEqual(initialParams(model, 9, 4), initialParams(model, 10, 4));

  const a = trainingStream(9);
  const rows = batchRows(a, 4, 17, 1000, new Uint32Array(64));
  const batchStream = new RngStream(k0, k1).open(4, 17, TAG_TRAIN_BATCH);
  assert.deepEqual(
    [...rows],
    Array.from({ length: 64 }, () => Math.floor((batchStream.next() * 1000) / 2 ** 32)),
  );
  assert.ok(rows.every((r) => r < 1000));
  // reading other models' or steps' batches in between changes nothing
  batchRows(a, 5, 17, 1000, new Uint32Array(9));
  batchRows(a, 4, 18, 1000, new Uint32Array(3));
  assert.deepEqual(batchRows(a, 4, 17, 1000, new Uint32Array(64)), rows);
  // row counts are uniform: all of 0..n-1 reachable, none beyond
  const many = batchRows(a, 0, 0, 7, new Uint32Array(7000));
  const counts = new Array(7).fill(0);
  for (const r of many) counts[r]++;
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 150, `row counts ${counts}`);
});
