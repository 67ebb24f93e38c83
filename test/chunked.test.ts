// Chunked runs (the web page's way of running an experiment): the same result as the unsplit
// run for every protocol, continuation on another engine after a failure from the last
// finished chunk, Stop, and the partial outcome the live figure is drawn from.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, RouterSession } from '../src/core/engine.js';
import type { ScanPlan } from '../src/core/model.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { webPresetSpecs, WEB_SCALES, defaultWebScale } from '../src/experiments/browser.js';
import { ChunkedRun, StopError, type ChunkInfo } from '../src/experiments/chunked.js';
import { presetSpecs, PRESET_IDS, type PresetId } from '../src/experiments/presets/index.js';
import { completeExperiment, runCustomSpec, runExperimentPart } from '../src/experiments/run.js';
import { expandGrid, parseSpec } from '../src/experiments/spec.js';
import type { ExperimentResult } from '../src/experiments/types.js';

const cpu = new CpuEngine();
after(() => cpu.dispose());

/** A result without what differs between identical runs: timings, run times, adapters. */
function withoutTimings(r: ExperimentResult): unknown {
  return { ...r, provenance: r.provenance.map(({ elapsedMs: _e, startedAt: _s, routerStepsPerSecond: _r, routers: _n, ...p }) => p) };
}

/**
 * The CLI's unsplit result (runPreset's path: one part over everything), analysed on the
 * parsed specs as the page does: the presets leave rho and h to parseSpec's defaults, and
 * the analysis needs them (a - rho = 2 gamma T, the cusp at 2 gamma T + rho).
 */
async function reference(id: PresetId, seed: number): Promise<ExperimentResult> {
  const part = await runExperimentPart(cpu, { kind: 'preset', id, scale: 'quick', seed });
  return completeExperiment({ ...part, specs: part.specs.map((s) => parseSpec(s)) });
}

/** An engine that fails (as a lost device would) once `failAfter` advances have run. */
class FailingEngine implements Engine {
  advances = 0;
  constructor(
    readonly inner: Engine,
    readonly failAfter: number,
  ) {}
  get info() {
    return this.inner.info;
  }
  get maxRouters() {
    return this.inner.maxRouters;
  }
  async open(plan: ScanPlan): Promise<RouterSession> {
    const session = await this.inner.open(plan);
    const advance = session.advance.bind(session);
    session.advance = async (range, onSteps) => {
      if (++this.advances > this.failAfter) throw new Error('device lost (simulated)');
      return advance(range, onSteps);
    };
    return session;
  }
  dispose() {}
}

describe('chunked runs', () => {
  test('fig8 in many chunks: bit-identical to runPreset (relax, two axes)', async () => {
    const specs = presetSpecs('fig8', 'quick', 3);
    const chunks: ChunkInfo[] = [];
    const run = new ChunkedRun({ kind: 'preset', id: 'fig8', scale: 'quick', specs });
    // A first chunk of 3 cells: chunks at most double, so 120 cells take >= 5 chunks however fast the machine.
    const r = await run.run(cpu, { targetChunkMs: 400, firstSplit: 40, onChunk: (c) => chunks.push(c) });
    // The chunks tile each scan's grid in order (fig8's heatmap grid, then its variance rows).
    const grid = chunks.filter((c) => c.scan === 0);
    assert.ok(grid.length >= 4, `${grid.length} chunks of the grid`);
    specs.forEach((spec, k) => {
      let at = 0;
      for (const c of chunks.filter((x) => x.scan === k)) {
        assert.equal(c.cells[0], at, `scan ${k}`);
        at = c.cells[1];
      }
      assert.equal(at, expandGrid(spec).cells.length, `scan ${k}`);
    });
    assert.deepEqual(withoutTimings(r), withoutTimings(await reference('fig8', 3)));
    assert.equal(run.doneRouterSteps, run.totalRouterSteps);
  });

  test('sweeps (fig10), traces and two families (cusp) chunked: identical to the unsplit run', async () => {
    for (const id of ['fig10', 'cusp'] as const) {
      const specs = presetSpecs(id, 'quick', 5);
      const r = await new ChunkedRun({ kind: 'preset', id, scale: 'quick', specs }).run(cpu, { targetChunkMs: 400, firstSplit: 3 });
      assert.deepEqual(withoutTimings(r), withoutTimings(await reference(id, 5)), id);
    }
    const trace = parseSpec({
      name: 'trace',
      params: { a: 3, gamma: 1, h: 0.05, B: 64, eta: 0.01 },
      axes: [{ param: 'T', values: { list: [1, 1.4, 2] } }],
      replicates: 16,
      steps: 300,
      protocol: { kind: 'trace', every: 50 },
      initial: { y0: 0, asym: 0.1, families: 'opposite' },
    });
    const r = await new ChunkedRun({ kind: 'spec', spec: trace }).run(cpu, { targetChunkMs: 400, firstSplit: 3 });
    assert.deepEqual(withoutTimings(r), withoutTimings(await runCustomSpec(cpu, trace)));
  });

  test('a failure keeps the finished chunks; run() on another engine continues and gives the same result', async () => {
    const specs = presetSpecs('cusp', 'quick', 9);
    const run = new ChunkedRun({ kind: 'preset', id: 'cusp', scale: 'quick', specs });
    const failing = new FailingEngine(cpu, 3);
    const seen: ChunkInfo[] = [];
    await assert.rejects(run.run(failing, { targetChunkMs: 400, firstSplit: 8, onChunk: (c) => seen.push(c) }), /device lost/);
    assert.equal(seen.length, 3, 'three chunks finished before the failure');
    const kept = run.next.cell;
    assert.ok(kept > 0 && !run.finished);
    const r = await run.run(cpu, { onChunk: (c) => seen.push(c) });
    assert.equal(seen[3].cells[0], kept, 'continues from the last finished chunk');
    assert.deepEqual(withoutTimings(r), withoutTimings(await reference('cusp', 9)));
  });

  test('Stop: a StopError at the next progress report; the partial outcome has NaN where nothing ran', async () => {
    const spec = presetSpecs('fig8', 'quick', 2)[0];
    const run = new ChunkedRun({ kind: 'preset', id: 'fig8', scale: 'quick', specs: [spec] });
    const abort = new AbortController();
    await assert.rejects(run.run(cpu, { firstSplit: 4, signal: abort.signal, onChunk: () => abort.abort() }), StopError);
    const partial = run.partialRelax(0)!;
    const cells = partial.outcome.kind === 'relax' ? partial.outcome.cells[0] : [];
    const n = expandGrid(spec).cells.length;
    assert.equal(cells.length, n);
    assert.equal(run.next.cell, Math.ceil(n / 4));
    assert.ok(cells.slice(0, run.next.cell).every((c) => Number.isFinite(c.absMeanLoad)));
    assert.ok(cells.slice(run.next.cell).every((c) => Number.isNaN(c.absMeanLoad)));
    assert.throws(() => run.result(), /still to run/);
  });
});

describe('web scales', () => {
  test('browser = quick with twice the replicates; quick, paper, large = the presets', () => {
    for (const id of PRESET_IDS) {
      const quick = presetSpecs(id, 'quick', 4);
      const browser = webPresetSpecs(id, 'browser', 4);
      assert.deepEqual(
        browser,
        quick.map((s) => ({ ...s, replicates: 2 * s.replicates })),
      );
      for (const s of browser) parseSpec(s);
      assert.deepEqual(webPresetSpecs(id, 'paper', 4), presetSpecs(id, 'paper', 4));
    }
    assert.deepEqual([...WEB_SCALES], ['browser', 'quick', 'paper', 'large']);
    assert.equal(defaultWebScale('cpu'), 'quick');
    assert.equal(defaultWebScale('webgpu'), 'browser');
  });
});
