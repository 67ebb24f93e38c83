// The N-expert layer above the engines: spec checks, the protocols' determinism under any
// split, the presets against the theory of MODEL.md sec. 5 (the one-winner fold, the
// loss-free bias threshold), the linearised bias theory against an independent solution,
// and the CLI (sample --N, analytic --N, run of an N-expert preset).

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lossFreeBiasContrast, saddleNodeK } from '../src/analytics/theory/n-experts.js';
import { CpuExpertEngine } from '../src/core/experts-cpu.js';
import { WebGpuExpertEngine } from '../src/core/experts-engine.js';
import type { ExpertEngine } from '../src/core/experts.js';
import { InputError } from '../src/core/model.js';
import { expertPresetSpecs, runExpertPreset } from '../src/experiments/experts/presets/index.js';
import { measureBiasThreshold } from '../src/experiments/experts/presets/nexp-balancing.js';
import { runExpertScan } from '../src/experiments/experts/run.js';
import { parseExpertSpec } from '../src/experiments/experts/spec.js';
import { gpuSkip, releaseTestGpu, testGpu } from './helpers/gpu.js';

after(releaseTestGpu);

/** The WebGPU expert engine when there is an adapter (CI has one), else the CPU twin (slower, same statistics). */
async function engine(): Promise<ExpertEngine> {
  if (await gpuSkip()) return new CpuExpertEngine();
  const gpu = (await testGpu())!;
  return new WebGpuExpertEngine(gpu.device, { engine: 'webgpu', adapter: gpu.description, backend: gpu.backend });
}

const BASE = {
  model: 'experts',
  params: { N: 4, a: 3.5, T: 1, gamma: 1, B: 512, eta: 0.02 },
  replicates: 4,
  steps: 100,
};

describe('N-expert specs: bad input names the field', () => {
  const bad = (over: Record<string, unknown>, field: string, problem?: RegExp) => {
    assert.throws(
      () => parseExpertSpec({ ...BASE, ...over }),
      (e: unknown) => e instanceof InputError && e.field === field && (!problem || problem.test(e.problem)),
      `${JSON.stringify(over)} should fail on ${field}`,
    );
  };
  test('N, lists, bias, sweeps', () => {
    bad({ params: { ...BASE.params, N: 1 } }, 'params.N', /\[2, 256\]/);
    bad({ params: { ...BASE.params, N: 257 } }, 'params.N');
    bad({ params: { ...BASE.params, N: 2.5 } }, 'params.N', /integer/);
    bad({ b: [0, 0, 0] }, 'b', /N = 4/);
    bad({ initial: { r0: [0, 0, null, 0] } }, 'initial.r0[2]');
    bad({ b: [0, 0, 1e300, 0] }, 'b[2]');
    bad({ bias: 'foo' }, 'bias', /linear, sign/);
    bad({ params: { ...BASE.params, u: 2 } }, 'params.u', /linear/);
    bad({ axes: [{ param: 'N', values: { list: [2, 3] } }], b: [0, 0, 0, 0] }, 'b', /fixed N/);
    bad({ axes: [{ param: 'N', values: { list: [2, 300] } }] }, 'axes[0].values');
    bad({ protocol: { kind: 'sweep', param: 'N', values: { list: [2, 3] }, direction: 'down-up', stepsPerPoint: 10 } }, 'protocol.param');
    bad({ window: 20, protocol: { kind: 'sweep', param: 'T', values: { list: [1, 2] }, direction: 'down-up', stepsPerPoint: 10 } }, 'window');
    bad({ initial: { family: 'winner', r0: [1, 0, 0, 0] } }, 'initial.r0');
    bad({ extra: 1 }, 'extra', /unknown key/);
  });
});

describe('N-expert scans: any split gives the same numbers', () => {
  test('cells in passes (an engine holding few routers) = one plan, relax and sweep', async () => {
    const relax = parseExpertSpec({
      ...BASE,
      axes: [
        { param: 'a', values: { list: [2, 3.5, 5] } },
        { param: 'N', values: { list: [3, 4] } },
      ],
      initial: { family: 'both', asym: 0.1 },
      replicates: 5,
      steps: 60,
      window: 20,
    });
    const sweep = parseExpertSpec({
      ...BASE,
      axes: [{ param: 'a', values: { list: [3, 4, 5] } }],
      initial: { asym: 0.1 },
      steps: 30,
      window: 5,
      protocol: { kind: 'sweep', param: 'T', values: { list: [0.8, 1, 1.2] }, direction: 'down-up', stepsPerPoint: 10 },
    });
    for (const spec of [relax, sweep]) {
      const whole = await runExpertScan(new CpuExpertEngine(), spec);
      const split = await runExpertScan(new CpuExpertEngine({ maxRouters: 10, stepsPerChunk: 7 }), spec);
      assert.deepEqual(split.relax ?? split.sweep, whole.relax ?? whole.sweep);
    }
  });
});

describe('N-expert theory', () => {
  test('lossFreeBiasContrast solves Sigma = M Sigma M^T + Q (checked by iterating the map)', () => {
    const [a, N, gamma, T, B, eta] = [12, 8, 1, 1, 512, 0.01];
    for (const u of [5, 8]) {
      const k = 1 / (N * T);
      const M = [
        [1 + eta * (a * k - gamma), eta * a * k],
        [-eta * u * k, 1 - eta * u * k],
      ];
      const s = (eta * eta) / (N * B);
      const Q = [
        [s * a * a, -s * a * u],
        [-s * a * u, s * u * u],
      ];
      let S = [
        [0, 0],
        [0, 0],
      ];
      for (let n = 0; n < 400_000; n++) {
        const MS = M.map((row) => [0, 1].map((j) => row[0] * S[0][j] + row[1] * S[1][j]));
        S = [0, 1].map((i) => [0, 1].map((j) => MS[i][0] * M[j][0] + MS[i][1] * M[j][1] + Q[i][j]));
      }
      const expected = (N - 1) * S[0][0];
      assert.ok(Math.abs(lossFreeBiasContrast(a, N, gamma, T, B, eta, u) / expected - 1) < 1e-6, `u = ${u}`);
    }
    assert.equal(lossFreeBiasContrast(12, 8, 1, 1, 512, 0.01, 3), Infinity); // below u_c = 4
  });
});

describe('N-expert presets against the theory', () => {
  test('the one-winner fold from the recovery on heating, within 2% of K_sn(N) for N = 3, 4, 8 (nexp-hysteresis quick)', async () => {
    // Tolerance: the slow-sweep extrapolation over two speeds lands within 0.3% at quick scale
    // (measured on llvmpipe); 2% is the bound and leaves room for the extrapolation law.
    const result = await runExpertPreset(await engine(), 'nexp-hysteresis', 'quick', 1);
    for (const N of [3, 4, 8]) {
      const e = result.estimates.find((x) => x.id === `nexp-hysteresis.ksn.N=${N}`)!;
      assert.ok(Math.abs(e.value / saddleNodeK(N).K - 1) < 0.02, `N = ${N}: K from the recovery ${e.value}, K_sn ${saddleNodeK(N).K}`);
    }
    // N = 2 has no loop: the collapse on cooling and the recovery meet as the sweep slows
    // (at quick scale both lie within 10% of the pitchfork branch's level point)
    const rec = result.estimates.find((x) => x.id === 'nexp-hysteresis.recovery.N=2')!;
    assert.ok(Math.abs(rec.value / rec.prediction! - 1) < 0.02, `N = 2 recovery ${rec.value}`);
  });

  test('the linear loss-free bias threshold within 5% of u_c = a - N gamma T (a = 12, N = 8)', async () => {
    // The discrete-time zero sits 1% above u_c at eta = 0.01; the quick scan's s.e. on u_c is ~0.5%.
    const spec = expertPresetSpecs('nexp-balancing', 'quick', 7)[3];
    const { uc, ucSe } = measureBiasThreshold(await runExpertScan(await engine(), spec));
    assert.ok(Math.abs(uc / 4 - 1) < 0.05, `u_c measured ${uc} +- ${ucSe}, predicted 4`);
  });
});

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MOE_CUSP_ENGINE: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('N-expert CLI', () => {
  test('sample --N: one row per replicate with mean_max_load and final_r1..rN', () => {
    const r = cli([
      'sample',
      '--N',
      '4',
      '--a',
      '3.5',
      '--T',
      '1',
      '--gamma',
      '1',
      '--B',
      '4096',
      '--eta',
      '0.02',
      '--r0',
      '3,0,0,0',
      '--replicates',
      '5',
      '--steps',
      '1500',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const header = lines[1].split(',');
    for (const c of ['mean_max_load', 'effective_experts', 'final_r1', 'final_r4', 'mean_share_4']) assert.ok(header.includes(c), c);
    assert.equal(lines.length, 2 + 5);
    // from a collapsed start at K = 3.5 > K_sn(4) = 3.22 the winner keeps the stable branch's share 0.8387
    for (const line of lines.slice(2)) {
      const share = Number(line.split(',')[header.indexOf('mean_max_load')]);
      assert.ok(Math.abs(share - 0.8387) < 0.01, `max share ${share}`);
    }
  });

  test('sample --N and run: bad input exits 2 naming the flag, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-nexp-'));
    for (const [args, field] of [
      [['sample', '--N', '1', '--a', '1'], /^moe-cusp: --N: /],
      [['sample', '--N', '3', '--b', '1,2', '--a', '1', '--T', '1', '--gamma', '1', '--B', '4', '--eta', '0.1'], /^moe-cusp: --b: must have N = 3/],
      [['sample', '--N', '3', '--bias-mode', 'up', '--a', '1', '--T', '1', '--gamma', '1', '--B', '4', '--eta', '0.1'], /^moe-cusp: --bias-mode: /],
      [['sample', '--r0', '1,2', '--a', '1'], /^moe-cusp: --r0: needs --N/],
      [['run', 'nexp-threshold', '--resume', '--out', join(dir, 'out')], /^moe-cusp: --resume: no checkpoint at .*checkpoint-nexp-threshold\.bin/],
    ] as [string[], RegExp][]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, field);
    }
    assert.ok(!existsSync(join(dir, 'out')));
  });

  test('analytic --N --json: oneWinnerFold', () => {
    const r = cli(['analytic', '--N', '4', '--a', '3.5', '--T', '1', '--gamma', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const fold = JSON.parse(r.stdout).oneWinnerFold;
    const sn = saddleNodeK(4);
    assert.ok(Math.abs(fold.a - sn.K) < 1e-12 && Math.abs(fold.T - 3.5 / sn.K) < 1e-12 && Math.abs(fold.maxLoad - sn.winnerShare) < 1e-12);
  });

  test('run nexp-threshold --scale quick writes result.json, CSV and the report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'moe-cusp-nexp-')), 'out');
    const r = cli(['run', 'nexp-threshold', '--scale', 'quick', '--out', out, '--no-png']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(readFileSync(join(out, 'nexp-threshold', 'result.json'), 'utf8'));
    assert.equal(result.estimates.length, 5);
    assert.ok(existsSync(join(out, 'nexp-threshold', 'nexp-threshold-contrast.csv')));
    assert.ok(existsSync(join(out, 'report.html')));
    assert.equal(result.specs[0].model, 'experts');
  });
});
