// Bad input is refused before any GPU work, with the field and the allowed range named.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, completeCell, validatePlan, type ScanPlan } from '../src/core/model.js';
import { runScan } from '../src/core/scan.js';
import type { Engine } from '../src/core/engine.js';
import { createEngine } from '../src/node/engines.js';

const good = (): ScanPlan => ({ cells: [completeCell({ a: 3, T: 1, gamma: 1, B: 512, eta: 0.002 })], replicates: 4, steps: 10, window: 5, seed: 1 });

/** An engine that fails the test if anything reaches it. */
const untouchable: Engine = {
  info: { engine: 'webgpu', adapter: 'none', backend: 'none' },
  maxRouters: 1000,
  open: () => assert.fail('engine.open called for a bad plan'),
  dispose: () => {},
};

function rejects(mutate: (p: ScanPlan) => void, field: string, allowed: RegExp): Promise<void> {
  const p = good();
  mutate(p);
  return assert.rejects(runScan(untouchable, p), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, allowed);
    return true;
  });
}

describe('plan validation', () => {
  test('accepts a good plan', () => assert.doesNotThrow(() => validatePlan(good())));
  test('T < 1e-30', async () => {
    await rejects(
      (p) => {
        p.cells[0].T = 0;
      },
      'cells[0].T',
      /\[1e-30, 1000000\]/,
    );
    await rejects(
      (p) => {
        p.cells[0].T = 1e-40;
      },
      'cells[0].T',
      /\[1e-30, 1000000\], got 1e-40/,
    );
  });
  test('gamma < 0', () =>
    rejects(
      (p) => {
        p.cells[0].gamma = -0.1;
      },
      'cells[0].gamma',
      /\[0, 1000000\]/,
    ));
  test('B not a positive integer', async () => {
    for (const B of [0, 1.5, -3, 65537])
      await rejects(
        (p) => {
          p.cells[0].B = B;
        },
        'cells[0].B',
        /integer in \[1, 65536\]/,
      );
  });
  test('eta <= 0', () =>
    rejects(
      (p) => {
        p.cells[0].eta = 0;
      },
      'cells[0].eta',
      /\(0, 1\]/,
    ));
  test('NaN and Infinity anywhere', async () => {
    for (const key of ['a', 'T', 'gamma', 'h', 'rho', 'B', 'eta', 'y0', 'asym'] as const) {
      await rejects(
        (p) => {
          p.cells[0][key] = NaN;
        },
        `cells[0].${key}`,
        /got NaN/,
      );
      await rejects(
        (p) => {
          p.cells[0][key] = Infinity;
        },
        `cells[0].${key}`,
        /got Infinity/,
      );
    }
    await rejects(
      (p) => {
        p.steps = NaN;
      },
      'steps',
      /integer/,
    );
    await rejects(
      (p) => {
        p.seed = Infinity;
      },
      'seed',
      /integer/,
    );
  });
  test('window larger than steps, replicates not a positive integer', async () => {
    await rejects(
      (p) => {
        p.window = 11;
      },
      'window',
      /\[1, 10\]/,
    );
    await rejects(
      (p) => {
        p.replicates = 0;
      },
      'replicates',
      /integer/,
    );
  });
  test('a scan larger than the engine holds', () =>
    rejects(
      (p) => {
        p.replicates = 1001;
      },
      'replicates',
      /1001 routers .* at most 1000/,
    ));
  test('unknown engine or adapter names are refused with the allowed values', async () => {
    await assert.rejects(createEngine({ engine: 'gpu' as never }), /engine: must be one of auto, webgpu, cpu/);
    await assert.rejects(createEngine({ adapter: 'nvidia' as never }), /adapter: must be one of auto, hardware, llvmpipe, swiftshader/);
  });
});
