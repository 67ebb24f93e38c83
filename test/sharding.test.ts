// Scans past one dispatch, one device and one machine: shards merged, runs in passes,
// a lost device, and a real SIGKILL followed by --resume all give bit-identical results to
// the plain run; merge refuses incomplete or mixed parts.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LONG_RELAX } from './helpers/specs.js';
import type { Engine } from '../src/core/engine.js';
import { InputError } from '../src/core/model.js';
import { WebGpuEngine } from '../src/core/webgpu-engine.js';
import { runSpec } from '../src/experiments/protocols.js';
import { parseCount, parseSpec, prepareScan, type ParsedSpec } from '../src/experiments/spec.js';
import {
  completeExperiment,
  mergeParts,
  prepareExperiment,
  runExperimentPart,
  shardCells,
  targetSpecs,
  type ExperimentPart,
  type ExperimentTarget,
} from '../src/experiments/run.js';
import type { ExperimentResult } from '../src/experiments/types.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { acquireGpu } from '../src/node/gpu.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/node/parts.js';
import { gpuSkip, releaseTestGpu, testEngine } from './helpers/gpu.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const cpu = new CpuEngine();
after(async () => {
  await cpu.dispose();
  await releaseTestGpu();
});

/** Everything but what differs between identical runs (timings). */
function observables(r: ExperimentResult): unknown {
  return JSON.parse(JSON.stringify({ ...r, provenance: r.provenance.map(({ startedAt, elapsedMs, routerStepsPerSecond, ...p }) => p) }));
}

const preset = (id: 'fig6' | 'fig8' | 'fig9' | 'fig10' | 'cusp'): ExperimentTarget => ({ kind: 'preset', id, scale: 'quick', seed: 3 });

describe('shards', () => {
  test('shard ranges cover every (scan, cell) exactly once, in order', () => {
    for (const id of ['fig6', 'fig8', 'fig9', 'fig10'] as const) {
      const scans = targetSpecs(preset(id)).map(prepareScan);
      assert.ok(scans.length > 0 && scans.every((scan) => scan.cells > 0), `${id}: scans with cells`);
      for (const count of [1, 2, 3, 7, 50]) {
        const ranges = Array.from({ length: count }, (_, index) => shardCells(scans, { index, count }));
        scans.forEach((scan, s) => {
          let at = 0;
          for (const r of ranges) {
            assert.equal(r[s][0], at, `${id} ${count} shards, scan ${s}`);
            assert.ok(r[s][1] >= r[s][0], `${id} ${count} shards, scan ${s}: an empty or forward range`);
            at = r[s][1];
          }
          // the last range ends at the scan's cell count: no cell left out at the end
          assert.equal(at, scan.cells, `${id} ${count} shards, scan ${s}: the ranges end at cell ${scan.cells}`);
        });
      }
    }
  });

  for (const id of ['fig8', 'fig10', 'fig6', 'cusp', 'fig9'] as const) {
    test(`${id}: 1, 3 and 7 shards merged are bit-identical to the unsplit run`, async () => {
      const whole = completeExperiment(await runExperimentPart(cpu, preset(id)));
      for (const count of [1, 3, 7]) {
        const parts: { label: string; part: ExperimentPart }[] = [];
        // Shards in a scrambled order: merge sorts them.
        for (const index of Array.from({ length: count }, (_, i) => (i * 5) % count)) {
          parts.push({
            label: `part ${index}`,
            part: JSON.parse(JSON.stringify(await runExperimentPart(cpu, preset(id), { shard: { index, count } }))),
          });
        }
        assert.deepEqual(observables(completeExperiment(mergeParts(parts))), observables(whole), `${id}, ${count} shards`);
      }
    });
  }

  test('merge refuses missing, duplicated and foreign parts, naming them', async () => {
    const count = 3;
    const parts = await Promise.all(
      [0, 1, 2].map(async (index) => ({
        label: `p${index}.json`,
        part: await runExperimentPart(cpu, preset('fig10'), { shard: { index, count } }),
      })),
    );
    const refuses = (list: typeof parts, field: string, problem: RegExp) =>
      assert.throws(
        () => mergeParts(list),
        (e: unknown) => e instanceof InputError && e.field === field && problem.test(e.problem),
        `${field}: ${problem}`,
      );
    refuses([parts[0], parts[2]], 'parts', /incomplete: missing shard 1 of 3/);
    refuses(
      [parts[0], parts[1], parts[2], parts[1]].map((p, i) => ({ ...p, label: i === 3 ? 'again.json' : p.label })),
      'again.json',
      /duplicate: shard 1\/3 is also in p1.json/,
    );
    const other = await runExperimentPart(cpu, { ...preset('fig10'), seed: 4 } as ExperimentTarget, { shard: { index: 1, count } });
    refuses([parts[0], { label: 'seed4.json', part: other }, parts[2]], 'seed4.json', /foreign part .*specs/);
    const fig8 = await runExperimentPart(cpu, preset('fig8'), { shard: { index: 1, count } });
    refuses([parts[0], { label: 'fig8.json', part: fig8 }, parts[2]], 'fig8.json', /experiment fig8, not fig10/);
  });
});

/** A relax scan of 24 cells x 2 families, a sweep and a trace, small enough for every engine. */
const SPECS: ParsedSpec[] = [
  parseSpec({
    name: 'relax',
    params: { a: 3, gamma: 1, B: 128, eta: 0.01 },
    axes: [
      { param: 'T', values: { linspace: { from: 1, to: 2.2, count: 6 } } },
      { param: 'h', values: { list: [0, 0.05, 0.1, 0.2] } },
    ],
    replicates: 24,
    steps: 600,
    window: 100,
    seed: 9,
    initial: { y0: 0.5, asym: 0.1, families: 'opposite' },
  }),
  parseSpec({
    name: 'sweep',
    params: { a: 4, gamma: 1, T: 1, B: 256, eta: 0.01 },
    axes: [{ param: 'rho', values: { list: [0, 0.5, 1] } }],
    replicates: 16,
    steps: 200,
    window: 40,
    seed: 9,
    protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -2, to: 2, count: 11 } }, direction: 'up-down', stepsPerPoint: [80, 160] },
  }),
  parseSpec({
    name: 'trace',
    params: { a: 3, gamma: 1, T: 1, B: 128, eta: 0.01 },
    axes: [{ param: 'h', values: { list: [0, 0.1, 0.2, 0.3] } }],
    replicates: 20,
    steps: 700,
    window: 700,
    seed: 9,
    protocol: { kind: 'trace', every: 100 },
  }),
];

/** The outcome of a spec without provenance (timings, router counts of sessions). */
async function outcome(engine: Engine, spec: ParsedSpec, options: Parameters<typeof runSpec>[2] = {}): Promise<unknown> {
  const { outcome: o, recoveries: _ } = await runSpec(engine, spec, options);
  return JSON.parse(JSON.stringify(o));
}

test('a run parses each spec once: not again for shards, checkpoints or the analysis', async () => {
  const target = prepareExperiment(preset('fig9'));
  const before = parseCount.calls;
  let saves = 0;
  const part = await runExperimentPart(cpu, target, {
    shard: { index: 1, count: 2 },
    checkpoint: {
      intervalMs: 0,
      save: () => {
        saves++;
      },
    },
  });
  const whole = completeExperiment(
    mergeParts([
      { label: 'a', part: await runExperimentPart(cpu, target, { shard: { index: 0, count: 2 } }) },
      { label: 'b', part },
    ]),
  );
  assert.ok(saves > 0 && whole.estimates.length > 0);
  assert.equal(parseCount.calls - before, 0, 'the prepared experiment is parsed already');
  const fresh = parseCount.calls;
  await runExperimentPart(cpu, preset('fig9'), { checkpoint: { intervalMs: 0, save: () => {} } });
  assert.equal(parseCount.calls - fresh, target.scans.length, 'one parse per scan');
});

describe('passes', () => {
  test('CPU engine: scans larger than one session run in passes with the same results', async () => {
    for (const spec of SPECS) {
      assert.deepEqual(await outcome(new CpuEngine({ maxRouters: 50 }), spec), await outcome(cpu, spec), spec.name);
    }
  });

  test('WebGPU: state larger than the storage binding limit runs in passes, same results', async (t) => {
    const skip = await gpuSkip();
    if (skip) return t.skip(skip);
    const big = await testEngine();
    // 24 bytes of tallies per router: a 1200-byte limit holds 50 routers, so the relax scan's
    // 1152 routers need 24 passes.
    const small = await testEngine({ maxBufferBytes: 1200 });
    assert.equal(small.maxRouters, 50);
    for (const spec of SPECS) assert.deepEqual(await outcome(small, spec), await outcome(big, spec), spec.name);
  });
});

describe('device loss', () => {
  test('a device destroyed mid-run is replaced and the run completes bit-identically', async (t) => {
    const skip = await gpuSkip();
    if (skip) return t.skip(skip);
    const gpu = (await acquireGpu((process.env.MOE_CUSP_ADAPTER as 'auto' | undefined) || 'auto'))!;
    const engine = new WebGpuEngine(
      gpu.device,
      { engine: 'webgpu', adapter: gpu.description, backend: gpu.backend },
      { replaceDevice: () => gpu.newDevice(), stepsPerDispatch: 50 },
      () => gpu.release(),
    );
    try {
      for (const spec of SPECS) {
        const plain = await outcome(engine, spec);
        let destroyed = false;
        const run = await runSpec(engine, spec, {
          snapshotMs: 0,
          onProgress: (p) => {
            if (!destroyed && p.fraction > 0.4) {
              destroyed = true;
              engine.device.destroy();
            }
          },
        });
        assert.ok(destroyed, `${spec.name}: the device was destroyed`);
        assert.equal(run.recoveries, 1, `${spec.name}: one recovery`);
        assert.equal((run.provenance as { recoveries?: number }).recoveries, 1, 'the provenance says so');
        assert.deepEqual(JSON.parse(JSON.stringify(run.outcome)), plain, spec.name);
      }
    } finally {
      engine.dispose();
    }
  });
});

describe('checkpoints', () => {
  test('checkpoint files round-trip typed arrays and NaN', () => {
    // Checkpoints are checked when read (test/integrity.test.ts): a well-formed one, NaN in its results.
    const cell = {
      meanLoad: 0.5,
      meanAbsLoad: 0.5,
      meanAbsLoadSE: NaN,
      absMeanLoad: 0.5,
      absMeanLoadSE: NaN,
      meanSqLoad: 0.25,
      meanFinalY: 1,
      varFinalY: NaN,
      fractionPositive: 1,
    };
    const c = {
      format: 'moe-cusp-checkpoint' as const,
      version: '1',
      id: 'x',
      shard: { index: 0, count: 1 },
      specHashes: ['00000000000000ff'],
      scans: [],
      current: {
        specHash: '00000000000000ff',
        version: '1',
        cells: [0, 2] as [number, number],
        pass: 1,
        results: { relax: [[cell]] },
        inPass: {
          step: 5,
          segment: 0,
          acc: null,
          readout: {
            y: Float64Array.of(1.5, -2),
            crossUp: Float64Array.of(1e38, 0.25),
            crossDown: Float64Array.of(-0.5, 1e38),
            sumN1: Float64Array.of(3, 4),
            sumAbs: Float64Array.of(5, 6),
            sumSq: Float64Array.of(7, 2 ** 40),
          },
        },
        routerSteps: 10,
        routers: 2,
        recoveries: 0,
      },
    };
    const back = decodeCheckpoint(encodeCheckpoint(c));
    assert.deepEqual(back, c);
    assert.ok(back.current!.inPass!.readout.y instanceof Float64Array);
  });

  test('a run killed with SIGKILL and resumed gives bit-identical results; a foreign checkpoint is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-kill-'));
    const specPath = join(dir, 'long.json');
    writeFileSync(specPath, JSON.stringify(LONG_RELAX));
    // No relaunch behind the stderr filter (src/cli/launch.ts): the SIGKILL must hit the
    // process doing the work, which then leaves a stale lock for the resume to take over.
    const env = { ...process.env, MOE_CUSP_ENGINE: 'cpu', MOE_CUSP_STDERR_FILTERED: '1' };
    const args = (out: string, ...more: string[]) => [MAIN, 'run', specPath, '--out', out, '--no-png', '--no-report', ...more];
    const plain = spawnSync(process.execPath, args(join(dir, 'plain'), '--checkpoint-every', '0'), { env, encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);

    const out = join(dir, 'killed');
    const checkpoint = join(out, 'checkpoints', 'checkpoint-long.bin');
    const child = spawn(process.execPath, args(out, '--checkpoint-every', '0.2'), { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill once a checkpoint exists, well before the end.
    for (let i = 0; i < 600 && !existsSync(checkpoint); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await exited;
    assert.ok(existsSync(checkpoint), 'a checkpoint was written before the kill');
    assert.ok(!existsSync(join(out, 'long')), 'killed before it finished: nothing published');
    const partial = decodeCheckpoint(readFileSync(checkpoint));
    assert.ok(partial.current && partial.current.routerSteps > 0, 'the checkpoint holds progress');

    // The checkpoint of another spec (another seed) is refused, exit 2, nothing written.
    const otherSpec = join(dir, 'other.json');
    writeFileSync(otherSpec, readFileSync(specPath, 'utf8').replace('"seed":21', '"seed":22').replace('"name":"long"', '"name":"long"'));
    const refused = spawnSync(process.execPath, [MAIN, 'run', otherSpec, '--out', out, '--resume', '--no-png', '--no-report'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /^moe-cusp: --resume: the checkpoint cannot be resumed here: its specs \(\w+\) differ from this run's/);

    const resumed = spawnSync(process.execPath, args(out, '--resume', '--checkpoint-every', '0.2'), { env, encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.ok(!existsSync(checkpoint), 'the checkpoint is removed once the run completes');
    assert.ok(!readdirSync(join(out, 'long')).some((f) => f.endsWith('.tmp')));
    assert.deepEqual(readdirSync(out).sort(), ['long'], 'no staging, lock or checkpoint left behind (--no-report)');
    const read = (o: string) => observables(JSON.parse(readFileSync(join(o, 'long', 'result.json'), 'utf8')));
    type P = { routerSteps: number; segments?: { routerSteps: number }[] };
    const a = read(join(dir, 'plain')) as { provenance: P[] };
    const b = read(out) as typeof a;
    // The resumed run's provenance sums both processes' work and lists each as a segment.
    assert.equal(b.provenance[0].routerSteps, a.provenance[0].routerSteps);
    assert.equal(b.provenance[0].segments!.length, 2);
    assert.equal(
      b.provenance[0].segments!.reduce((n, s) => n + s.routerSteps, 0),
      a.provenance[0].routerSteps,
    );
    const { segments: _, ...rest } = b.provenance[0];
    assert.deepEqual({ ...b, provenance: [rest] }, a);
  });
});

describe('CLI', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MOE_CUSP_ENGINE: 'cpu', ...env } });

  test('shards from the flag and from Kubernetes/Slurm indices merge into the outputs of one run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-shards-'));
    const flags = ['--scale', 'quick', '--no-png', '--no-report', '--seed', '2'];
    assert.equal(cli(['run', 'fig10', ...flags, '--out', join(dir, 'one')]).status, 0);
    assert.equal(cli(['run', 'fig10', ...flags, '--shard', '0/3', '--out', join(dir, 's0')]).status, 0);
    assert.equal(cli(['run', 'fig10', ...flags, '--shards', '3', '--out', join(dir, 's1')], { JOB_COMPLETION_INDEX: '1' }).status, 0);
    assert.equal(
      cli(['run', 'fig10', ...flags, '--shards', '3', '--out', join(dir, 's2')], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1' }).status,
      0,
    );
    assert.ok(existsSync(join(dir, 's1', 'parts', 'part-fig10-1-of-3.json')));
    assert.ok(!existsSync(join(dir, 's1', 'fig10')), 'a shard writes only its part');

    const missing = cli(['merge', join(dir, 's0'), join(dir, 's2'), '--out', join(dir, 'bad'), '--no-png']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /moe-cusp: parts: incomplete: missing shard 1 of 3/);
    assert.ok(!existsSync(join(dir, 'bad')), 'nothing written');

    const merged = cli(['merge', join(dir, 's0'), join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged'), '--no-png', '--no-report']);
    assert.equal(merged.status, 0, merged.stderr);
    const read = (o: string) => observables(JSON.parse(readFileSync(join(dir, o, 'fig10', 'result.json'), 'utf8')));
    assert.deepEqual(read('merged'), read('one'));
    for (const csv of readdirSync(join(dir, 'one', 'fig10')).filter((f) => f.endsWith('.csv'))) {
      assert.equal(readFileSync(join(dir, 'merged', 'fig10', csv), 'utf8'), readFileSync(join(dir, 'one', 'fig10', csv), 'utf8'), csv);
    }

    const bad = cli(['run', 'fig10', ...flags, '--shards', '3', '--out', join(dir, 'x')], { JOB_COMPLETION_INDEX: '5' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /moe-cusp: JOB_COMPLETION_INDEX: gives shard index 5, must be an integer in \[0, 2\]/);
    assert.equal(cli(['run', 'fig10', '--shard', '3/3', '--out', join(dir, 'x')]).status, 2);
    assert.ok(!existsSync(join(dir, 'x')));
  });
});
