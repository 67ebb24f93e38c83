// N-expert runs split every way a run can be split, as for two experts: a scan run in shards
// (grid cells [begin, end)) and merged, stopped at slice boundaries and resumed from its
// snapshot, checkpointed and resumed from any checkpoint, across file round trips, must give
// exactly the numbers of the whole run. The CLI: `run --shard i/n` then `merge` writes what a
// whole run writes; SIGTERM writes a checkpoint and exits 143, --resume finishes with the whole
// run's result; foreign and damaged checkpoints and parts exit 2 naming the problem and file.
// CLI children run on the CPU engine (deterministic, no GPU needed).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuExpertEngine } from '../src/core/experts-cpu.js';
import {
  completeExpertExperiment,
  ExpertExperimentInterrupted,
  expertShardCells,
  mergeExpertParts,
  prepareExpertExperiment,
  runExpertExperimentPart,
  type ExpertExperimentCheckpoint,
  type ExpertExperimentPart,
  type PreparedExpertExperiment,
} from '../src/experiments/experts/experiment.js';
import {
  ExpertScanInterrupted,
  joinExpertPieces,
  runExpertScan,
  runExpertScanPart,
  type ExpertScanPiece,
  type ExpertScanSnapshot,
} from '../src/experiments/experts/run.js';
import { expertSpecHash, parseExpertSpec } from '../src/experiments/experts/spec.js';
import { decodeAnyPart, decodeExpertCheckpoint, encodeExpertCheckpoint, encodeExpertPart } from '../src/node/expert-parts.js';
import { InputError } from '../src/core/model.js';
import { encodeCheckpointBody } from '../src/node/parts.js';

const BASE = { model: 'experts', seed: 11, params: { T: 1, gamma: 1, B: 64, eta: 0.05 } };

/** Relax with N as an axis and both families: groups per N, plan cells c F + f. */
const RELAX = parseExpertSpec({
  ...BASE,
  name: 'split-relax',
  axes: [
    { param: 'a', values: { list: [2, 3.5, 5] } },
    { param: 'N', values: { list: [3, 4] } },
  ],
  initial: { family: 'both', asym: 0.1 },
  replicates: 5,
  steps: 60,
  window: 20,
});

/** A sweep of T down and up at three a, both families. */
const SWEEP = parseExpertSpec({
  ...BASE,
  name: 'split-sweep',
  params: { ...BASE.params, N: 3 },
  axes: [{ param: 'a', values: { list: [3, 4, 5] } }],
  initial: { family: 'both', asym: 0.1 },
  replicates: 4,
  steps: 30,
  window: 5,
  protocol: { kind: 'sweep', param: 'T', values: { list: [0.8, 1, 1.2] }, direction: 'down-up', stepsPerPoint: 10 },
});

/** An outcome or piece without what differs between identical runs (timings, segments, engines). */
function numbers<T extends { provenance: object }>(o: T): unknown {
  const { startedAt: _s, elapsedMs: _e, routerStepsPerSecond: _r, segments: _g, ...p } = o.provenance as Record<string, unknown>;
  return { ...o, provenance: { routers: p.routers, routerSteps: p.routerSteps, seed: p.seed } };
}

/** A stop token that asks to stop at its (k+1)-th look. */
function stopAfter(k: number) {
  let looks = 0;
  return {
    get requested() {
      return ++looks > k;
    },
  };
}

const small = () => new CpuExpertEngine({ maxRouters: 12, stepsPerChunk: 3 });

describe('N-expert scans in pieces: exactly the whole run', () => {
  for (const spec of [RELAX, SWEEP]) {
    test(`${spec.protocol.kind}: shards of 2, 3, 5 and 13 merged = the whole run`, async () => {
      const whole = await runExpertScan(new CpuExpertEngine(), spec);
      for (const count of [2, 3, 5, 13]) {
        const pieces: ExpertScanPiece[] = [];
        for (let index = 0; index < count; index++) {
          const [cells] = expertShardCells([spec], { index, count });
          pieces.push(await runExpertScanPart(small(), spec, { cells }));
        }
        assert.deepEqual(
          pieces.map((p) => p.cells[1] - p.cells[0]).reduce((a, b) => a + b),
          whole.grid.cells.length,
        );
        assert.deepEqual(numbers(joinExpertPieces(spec, pieces)), numbers(whole), `${count} shards`);
      }
      assert.throws(() => joinExpertPieces(spec, []), InputError);
    });

    test(`${spec.protocol.kind}: stopped at slice boundaries again and again, each snapshot resumed = the whole run`, async () => {
      const whole = await runExpertScan(new CpuExpertEngine(), spec);
      for (const k of [1, 2, 5]) {
        let resume: ExpertScanSnapshot | undefined;
        let stops = 0;
        let piece: ExpertScanPiece;
        for (;;) {
          try {
            piece = await runExpertScanPart(small(), spec, { resume, stop: stopAfter(k), sliceRouterSteps: 70 });
            break;
          } catch (err) {
            if (!(err instanceof ExpertScanInterrupted)) throw err;
            resume = structuredClone(err.snapshot);
            stops++;
          }
        }
        assert.ok(stops > 3, `stopped ${stops} times`);
        assert.deepEqual(numbers(joinExpertPieces(spec, [piece])), numbers(whole), `a stop every ${k} looks`);
        const segments = piece.provenance.segments!;
        assert.equal(segments.length, stops + 1);
        assert.equal(
          segments.reduce((n, s) => n + s.routerSteps, 0),
          piece.provenance.routerSteps,
        );
      }
    });

    test(`${spec.protocol.kind}: any checkpoint (interval 0: every slice), resumed on another engine size = the whole run`, async () => {
      const whole = await runExpertScan(new CpuExpertEngine(), spec);
      const saved: ExpertScanSnapshot[] = [];
      const piece = await runExpertScanPart(small(), spec, {
        checkpoint: { intervalMs: 0, save: (s) => void saved.push(structuredClone(s)) },
        sliceRouterSteps: 90,
      });
      assert.deepEqual(numbers(joinExpertPieces(spec, [piece])), numbers(whole));
      assert.ok(saved.length > 10, `${saved.length} checkpoints`);
      // between groups, inside a phase, and (sweeps) on the second leg
      assert.ok(saved.some((s) => s.group === null && s.next > 0));
      assert.ok(saved.some((s) => s.group !== null && s.group.step > 1));
      if (spec.protocol.kind === 'sweep') assert.ok(saved.some((s) => s.group !== null && s.group.sweep!.legs[0].length === 1));
      for (const at of [0, 1, Math.floor(saved.length / 3), Math.floor(saved.length / 2), saved.length - 1]) {
        const resumed = await runExpertScanPart(new CpuExpertEngine({ maxRouters: 50 }), spec, { resume: saved[at] });
        assert.deepEqual(numbers(joinExpertPieces(spec, [resumed])), numbers(whole), `checkpoint ${at} of ${saved.length}`);
      }
      // A snapshot of another spec or range is refused, naming --resume.
      await assert.rejects(
        runExpertScanPart(small(), { ...spec, seed: 12 }, { resume: saved[1] }),
        /--resume: the checkpoint cannot be resumed here: it continues spec/,
      );
      await assert.rejects(runExpertScanPart(small(), spec, { resume: saved[1], cells: [0, 1] }), /covers grid cells \[0,\d\), this run \[0,1\)/);
    });
  }
});

/** Two scans as one experiment (relax, then the sweep), for the experiment-level machinery. */
const TWO: PreparedExpertExperiment = {
  id: 'split-two',
  title: 'two scans',
  scale: 'custom',
  specs: [RELAX, SWEEP],
  hashes: [RELAX, SWEEP].map(expertSpecHash),
};

/** Runs a shard to the end through stops, every checkpoint through the file format. */
async function runThroughStops(experiment: PreparedExpertExperiment, shard: { index: number; count: number }, k: number) {
  let resume: ExpertExperimentCheckpoint | undefined;
  let stops = 0;
  for (;;) {
    try {
      return { part: await runExpertExperimentPart(small(), experiment, { shard, resume, stop: stopAfter(k), sliceRouterSteps: 70 }), stops };
    } catch (err) {
      if (!(err instanceof ExpertExperimentInterrupted)) throw err;
      resume = decodeExpertCheckpoint(encodeExpertCheckpoint(err.checkpoint), 'checkpoint.bin', experiment.specs);
      stops++;
    }
  }
}

const partNumbers = (p: ExpertExperimentPart) => ({ ...p, scans: p.scans.map(numbers) });

describe('N-expert experiments: shards, checkpoints and resume', () => {
  test('two scans in 3 shards, each stopped and resumed through checkpoint files, merged = the whole run', async () => {
    const whole = await runExpertExperimentPart(new CpuExpertEngine(), TWO);
    const parts: { label: string; part: ExpertExperimentPart }[] = [];
    let stops = 0;
    for (let index = 0; index < 3; index++) {
      const r = await runThroughStops(TWO, { index, count: 3 }, 3);
      stops += r.stops;
      parts.push({ label: `part ${index}`, part: r.part });
    }
    assert.ok(stops > 6, `${stops} stops`);
    const merged = mergeExpertParts(parts);
    assert.deepEqual(partNumbers(merged), partNumbers(whole));
    // Incomplete, duplicate and foreign parts are refused.
    assert.throws(() => mergeExpertParts(parts.slice(1)), /incomplete: missing shard 0 of 3/);
    assert.throws(() => mergeExpertParts([...parts, parts[0]]), /duplicate: shard 0\/3/);
    const foreign = { label: 'other', part: { ...parts[1].part, specHashes: ['0123456789abcdef', parts[1].part.specHashes[1]] } };
    assert.throws(() => mergeExpertParts([parts[0], foreign, parts[2]]), /other: foreign part/);
  });

  test('a part survives its file format; a checkpoint of another shard or spec is refused', async () => {
    const experiment = prepareExpertExperiment({ kind: 'expert-spec', spec: RELAX });
    const parts = [];
    for (let index = 0; index < 2; index++) {
      const part = (await runThroughStops(experiment, { index, count: 2 }, 4)).part;
      const back = decodeAnyPart(encodeExpertPart(part), 'part.json');
      assert.equal(back.kind, 'experts');
      assert.deepEqual(back.part, part);
      parts.push({ label: `p${index}`, part: back.part as ExpertExperimentPart });
    }
    const result = completeExpertExperiment(mergeExpertParts(parts));
    const plain = completeExpertExperiment(await runExpertExperimentPart(new CpuExpertEngine(), experiment));
    assert.deepEqual({ ...result, provenance: [] }, { ...plain, provenance: [] });
    let checkpoint: ExpertExperimentCheckpoint | undefined;
    await runExpertExperimentPart(small(), experiment, { shard: { index: 1, count: 2 }, stop: stopAfter(3), sliceRouterSteps: 70 }).catch((err) => {
      checkpoint = (err as ExpertExperimentInterrupted).checkpoint;
    });
    assert.ok(checkpoint);
    await assert.rejects(
      runExpertExperimentPart(small(), experiment, { shard: { index: 0, count: 2 }, resume: checkpoint }),
      /it is shard 1\/2, this run 0\/2/,
    );
    await assert.rejects(
      runExpertExperimentPart(small(), experiment, { shard: { index: 1, count: 2 }, resume: { ...checkpoint, version: '0.0.1' } }),
      /--resume: the checkpoint cannot be resumed here: it was written by moe-cusp 0\.0\.1/,
    );
    // A two-expert checkpoint in an N-expert run's place, and a damaged one, name the file.
    assert.throws(
      () => decodeExpertCheckpoint(encodeCheckpointBody({ format: 'moe-cusp-checkpoint' }), 'c.bin'),
      /^InputError: c\.bin: is a checkpoint of a two-expert run/,
    );
    const bytes = encodeExpertCheckpoint(checkpoint);
    bytes[100] ^= 4;
    assert.throws(() => decodeExpertCheckpoint(bytes, 'c.bin'), /^InputError: c\.bin: checksum mismatch/);
    const other = prepareExpertExperiment({ kind: 'expert-spec', spec: { ...RELAX, seed: 99 } });
    await assert.rejects(
      runExpertExperimentPart(small(), other, { shard: { index: 1, count: 2 }, resume: checkpoint }),
      /its specs \(\w+\) differ from this run's/,
    );
  });
});

// ---------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const ENV = { ...process.env, MOE_CUSP_ENGINE: 'cpu' };
const scratch = () => mkdtempSync(join(tmpdir(), 'moe-cusp-nexp-splits-'));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...ENV, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What a run computes: result.json without timings and resume segments. */
function results(path: string): unknown {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  return { estimates: r.estimates, figures: r.figures, tables: r.tables, observables: r.observables, predictions: r.predictions, specs: r.specs };
}

/** Long enough on the CPU engine (a few seconds) for a SIGTERM to land mid-run. */
const LONG: Record<string, object> = {
  relax: {
    model: 'experts',
    name: 'nexp-long-relax',
    seed: 3,
    params: { T: 1, gamma: 1, B: 1024, eta: 0.02 },
    axes: [
      { param: 'a', values: { list: [2, 3.5, 5] } },
      { param: 'N', values: { list: [3, 4] } },
    ],
    replicates: 64,
    // ~5 s of work on 2 cores: slices of about a second, so a signal a third of the way in
    // lands well before the last one
    steps: 20000,
    window: 500,
    initial: { family: 'both', asym: 0.05 },
  },
  sweep: {
    model: 'experts',
    name: 'nexp-long-sweep',
    seed: 4,
    params: { a: 4, gamma: 1, B: 1024, eta: 0.02, N: 4 },
    axes: [{ param: 'rho', values: { list: [0, 0.5] } }],
    replicates: 96,
    steps: 1000,
    window: 200,
    initial: { family: 'winner', asym: 0.05 },
    protocol: { kind: 'sweep', param: 'T', values: { linspace: { from: 0.5, to: 1.5, count: 5 } }, direction: 'up-down', stepsPerPoint: 800 },
  },
};

describe('N-expert CLI: shards, merge, signals, resume', () => {
  test('run nexp-bistability --shard 0/2 and --shards 2 (Kubernetes index 1), then merge = a whole run', () => {
    const dir = scratch();
    const whole = cli(['run', 'nexp-bistability', '--scale', 'quick', '--out', join(dir, 'whole'), '--no-png', '--no-report']);
    assert.equal(whole.code, 0, whole.stderr);
    const out = join(dir, 'sharded');
    const a = cli(['run', 'nexp-bistability', '--scale', 'quick', '--shard', '0/2', '--out', out, '--no-png', '--no-report']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /shard 0\/2 of nexp-bistability: .* router-steps; part written to .*part-nexp-bistability-0-of-2\.json/);
    const b = cli(['run', 'nexp-bistability', '--scale', 'quick', '--shards', '2', '--out', out, '--no-png', '--no-report'], {
      JOB_COMPLETION_INDEX: '1',
    });
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(readdirSync(join(out, 'parts')).sort(), ['part-nexp-bistability-0-of-2.json', 'part-nexp-bistability-1-of-2.json']);
    assert.ok(!existsSync(join(out, 'nexp-bistability')), 'a shard publishes nothing');

    // A damaged part: exit 2 naming the file, nothing written.
    const damaged = join(dir, 'damaged');
    cli(['run', 'nexp-bistability', '--scale', 'quick', '--shard', '0/2', '--out', damaged, '--no-png', '--no-report']);
    const file = join(damaged, 'parts', 'part-nexp-bistability-0-of-2.json');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(/"maxLoadSd":0\.(\d)/, (_, d) => `"maxLoadSd":0.${(Number(d) + 1) % 10}`);
    assert.notEqual(edited, text);
    writeFileSync(file, edited);
    copyFileSync(join(out, 'parts', 'part-nexp-bistability-1-of-2.json'), join(damaged, 'parts', 'part-nexp-bistability-1-of-2.json'));
    const refused = cli(['merge', join(damaged, 'parts'), '--out', join(dir, 'merged-damaged'), '--no-png', '--no-report']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.ok(refused.stderr.includes(`moe-cusp: ${file}: checksum mismatch`), refused.stderr);
    assert.ok(!existsSync(join(dir, 'merged-damaged')));
    // An incomplete set of parts is refused too.
    const incomplete = cli(['merge', join(out, 'parts', 'part-nexp-bistability-0-of-2.json'), '--out', join(dir, 'merged-one')]);
    assert.equal(incomplete.code, 2, incomplete.stderr);
    assert.match(incomplete.stderr, /^moe-cusp: parts: incomplete: missing shard 1 of 2/);

    const merged = cli(['merge', join(out, 'parts'), '--out', out, '--no-png']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.ok(existsSync(join(out, 'report.html')));
    assert.deepEqual(results(join(out, 'nexp-bistability', 'result.json')), results(join(dir, 'whole', 'nexp-bistability', 'result.json')));
    const csv = (o: string) => readFileSync(join(o, 'nexp-bistability', 'nexp-bistability.csv'), 'utf8');
    assert.equal(csv(out), csv(join(dir, 'whole')));
  });

  for (const [kind, body] of Object.entries(LONG)) {
    test(`${kind}: SIGTERM mid-run exits 143 with a checkpoint; foreign and damaged checkpoints exit 2; --resume = the whole run`, async () => {
      const dir = scratch();
      const spec = join(dir, `${kind}.json`);
      writeFileSync(spec, JSON.stringify(body));
      const name = (body as { name: string }).name;
      const args = (out: string, ...more: string[]) => ['run', spec, '--no-png', '--no-report', '--out', out, ...more];
      const started = Date.now();
      const plain = cli(args(join(dir, 'plain'), '--checkpoint-every', '0'));
      const plainMs = Date.now() - started;
      assert.equal(plain.code, 0, plain.stderr);

      const out = join(dir, 'stopped');
      const child = spawn(process.execPath, [MAIN, ...args(out, '--checkpoint-every', '0')], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      // Signal a third of the way into the run: after the engine line (the run has started and
      // its signal handlers are installed), a third of the plain run's time, whatever the load.
      const deadline = Date.now() + 60_000;
      while (!stderr.includes('engine:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.max(200, plainMs / 3)));
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      assert.equal(code, 143, stderr);
      assert.ok(Date.now() - t0 < 8000, `stopped in ${Date.now() - t0} ms`);
      const checkpoint = join(out, 'checkpoints', `checkpoint-${name}.bin`);
      assert.ok(stderr.includes(`SIGTERM: stopped; checkpoint written to ${checkpoint}; run the same command with --resume`), stderr);
      assert.ok(!existsSync(join(out, name)), 'nothing published');
      assert.ok(!existsSync(join(out, '.moe-cusp')), 'lock released');
      const saved = decodeExpertCheckpoint(readFileSync(checkpoint), checkpoint);
      const steps = (saved.current?.routerSteps ?? 0) + saved.scans.reduce((n, s) => n + s.provenance.routerSteps, 0);
      assert.ok(steps > 0, 'the checkpoint holds progress');

      // Another seed, another shard: refused before anything runs.
      const seed = cli(args(out, '--resume', '--seed', '77'));
      assert.equal(seed.code, 2, seed.stderr);
      assert.match(
        seed.stderr,
        /^moe-cusp: --resume: the checkpoint cannot be resumed here: its specs \(\w+\) differ from this run's \(\w+\): another scale, seed or spec/,
      );
      copyFileSync(checkpoint, join(out, 'checkpoints', `checkpoint-${name}-0-of-2.bin`));
      const shard = cli(args(out, '--resume', '--shard', '0/2'));
      assert.equal(shard.code, 2, shard.stderr);
      assert.match(shard.stderr, /^moe-cusp: --resume: the checkpoint cannot be resumed here: it is shard 0\/1, this run 0\/2/);
      // A damaged checkpoint: exit 2 naming the file (then the intact one is put back).
      const bytes = readFileSync(checkpoint);
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 40] ^= 1;
      writeFileSync(checkpoint, flipped);
      const broken = cli(args(out, '--resume'));
      assert.equal(broken.code, 2, broken.stderr);
      assert.ok(broken.stderr.startsWith(`moe-cusp: ${checkpoint}: checksum mismatch`), broken.stderr);
      writeFileSync(checkpoint, bytes);

      const resumed = cli(args(out, '--resume'));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(results(join(out, name, 'result.json')), results(join(dir, 'plain', name, 'result.json')));
      const prov = JSON.parse(readFileSync(join(out, name, 'result.json'), 'utf8')).provenance[0];
      assert.equal(prov.segments.length, 2, 'two processes worked on it');
      assert.equal(prov.segments[0].routerSteps + prov.segments[1].routerSteps, prov.routerSteps);
      assert.ok(!existsSync(checkpoint), 'the checkpoint is gone once the run completed');
    });
  }

  test('reproduce --only nexp-bistability with checkpoints = run; --resume without a checkpoint exits 2', () => {
    const dir = scratch();
    const none = cli(['reproduce', '--only', 'nexp-bistability', '--scale', 'quick', '--resume', '--out', join(dir, 'none')]);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /^moe-cusp: --resume: no checkpoint of nexp-bistability in /);
    assert.ok(!existsSync(join(dir, 'none')));
    const r = cli([
      'reproduce',
      '--only',
      'nexp-bistability',
      '--scale',
      'quick',
      '--checkpoint-every',
      '0.05',
      '--no-png',
      '--no-report',
      '--out',
      join(dir, 'r'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'r')), ['nexp-bistability'], 'no checkpoint left');
    const w = cli(['run', 'nexp-bistability', '--scale', 'quick', '--no-png', '--no-report', '--out', join(dir, 'w')]);
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(results(join(dir, 'r', 'nexp-bistability', 'result.json')), results(join(dir, 'w', 'nexp-bistability', 'result.json')));
  });
});
