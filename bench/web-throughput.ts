// The web page's throughput against the Node engine on the same kind of adapter: a large
// fig8-like relax scan (fig8's paper grid, 41 x 37 cells over (T, gamma) at a = 3, with
// fewer replicates and quick's steps) run
//   1. in headless Chromium (Debian's chromium, SwiftShader WebGPU) by the built page, in
//      chunks as a visitor runs it (click Run, wait for the result);
//   2. under Node on SwiftShader (Dawn, Vulkan, Chromium's SwiftShader ICD), unsplit;
//   3. under Node on Mesa llvmpipe (Dawn, OpenGL), unsplit;
//   4. by the page on its CPU Web Workers, and under Node on the CPU engine (worker threads),
//      the same TypeScript twin on both sides;
// each after a short warm-up scan on the same engine (pipeline compilation). Router-steps
// per second are work / time: for the page its own run time (chunk time summed) and the
// wall time from the click to the result; for Node runSpec's provenance and the wall time.
//
//   npm run -s bench:web -- [--json] [--replicates 8] [--steps 2000] [--grid 41x37]

import { mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../src/node/index.js';
import type { AdapterChoice } from '../src/node/gpu.js';
import { runSpec } from '../src/experiments/protocols.js';
import { canonicalJson, parseSpec, specRouterSteps, type ParsedSpec } from '../src/experiments/spec.js';
import type { ScanSpec } from '../src/experiments/types.js';
import { PACKAGE_VERSION } from '../src/core/version.generated.js';
import { formatSI } from '../src/report/format.js';
import { CHROMIUM_PATH, launchBrowser } from '../test/helpers/browser.js';
import { buildWeb, serveStatic } from '../test/helpers/web.js';

interface Row {
  where: string;
  adapter: string;
  routers: number;
  routerSteps: number;
  /** the run's own time: the page's chunks summed, or runSpec's elapsed */
  seconds: number;
  routerStepsPerSecond: number;
  wallSeconds: number;
  wallRouterStepsPerSecond: number;
  chunks?: number;
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function benchSpec(nT: number, nG: number, replicates: number, steps: number): ParsedSpec {
  return parseSpec({
    name: 'fig8-throughput',
    description: `fig8-like relax scan, ${nT} x ${nG} cells x ${replicates} replicates, ${steps} steps`,
    params: { a: 3, h: 0, B: 512, eta: 0.02 },
    axes: [
      { param: 'T', values: { linspace: { from: 0.5, to: 3, count: nT } } },
      { param: 'gamma', values: { linspace: { from: 0.2, to: 2, count: nG } } },
    ],
    replicates,
    steps,
    window: Math.max(1, Math.round(steps / 10)),
    initial: { y0: 0, asym: 0.05 },
    seed: 1,
  });
}

const note = (line: string) => process.stderr.write(`${line}\n`);

async function inBrowser(spec: ScanSpec, warmup: ScanSpec, kind: 'webgpu' | 'cpu'): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-bench-web-'));
  note('building the page…');
  await buildWeb(dir);
  const server = await serveStatic(dir);
  const browser = await launchBrowser();
  try {
    const errors: string[] = [];
    // A fresh page per run: a URL that differs only in its hash would not reload the page.
    const run = async (s: ScanSpec) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      page.setDefaultTimeout(0);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      // engine= in the link: the page's own probe would pick the CPU workers on SwiftShader
      await page.goto(`${server.url}#spec=${Buffer.from(canonicalJson(s)).toString('base64url')}&engine=${kind}`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
      const engine = await page.getAttribute('body', 'data-engine');
      if (engine !== kind) throw new Error(`the page runs on ${engine}, not ${kind}: ${await page.textContent('#engine-status')}`);
      const t0 = performance.now();
      await page.click('#run');
      await page.waitForSelector('body[data-state="done"], body[data-state="failed"], body[data-state="lost"]');
      const wall = (performance.now() - t0) / 1000;
      const state = await page.getAttribute('body', 'data-state');
      if (state !== 'done') throw new Error(`the page's run ended ${state}: ${await page.textContent('#progress-text')}`);
      const p = await page.evaluate(
        () =>
          (
            window as unknown as {
              moeCusp: { result: { provenance: { routerSteps: number; elapsedMs: number; routers: number; adapter: string }[] } };
            }
          ).moeCusp.result.provenance[0],
      );
      const chunks = Number(await page.getAttribute('body', 'data-chunks'));
      await page.close();
      return { p, wall, chunks };
    };
    note(`page ${kind}: warm-up…`);
    await run(warmup);
    note(`page ${kind}: ${formatSI(specRouterSteps(spec))} router-steps…`);
    const { p, wall, chunks } = await run(spec);
    if (errors.length) throw new Error(`console errors in the page: ${errors.join('; ')}`);
    return {
      where: `page in headless Chromium, ${kind === 'cpu' ? 'CPU workers' : 'WebGPU'}`,
      adapter: p.adapter,
      routers: p.routers,
      routerSteps: p.routerSteps,
      seconds: p.elapsedMs / 1000,
      routerStepsPerSecond: (p.routerSteps * 1000) / p.elapsedMs,
      wallSeconds: wall,
      wallRouterStepsPerSecond: p.routerSteps / wall,
      chunks,
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inNode(adapter: AdapterChoice | 'cpu', spec: ParsedSpec, warmup: ParsedSpec): Promise<Row> {
  const engine = await createEngine(adapter === 'cpu' ? { engine: 'cpu', notice: note } : { engine: 'webgpu', adapter, notice: note });
  try {
    note(`node ${adapter}: warm-up…`);
    await runSpec(engine, warmup);
    note(`node ${adapter}: ${formatSI(specRouterSteps(spec))} router-steps…`);
    const t0 = performance.now();
    const run = await runSpec(engine, spec);
    const wall = (performance.now() - t0) / 1000;
    const p = run.provenance;
    return {
      where: adapter === 'cpu' ? 'Node, CPU engine (worker threads)' : `Node, ${adapter}`,
      adapter: engine.info.adapter,
      routers: p.routers,
      routerSteps: p.routerSteps,
      seconds: p.elapsedMs / 1000,
      routerStepsPerSecond: p.routerStepsPerSecond,
      wallSeconds: wall,
      wallRouterStepsPerSecond: p.routerSteps / wall,
    };
  } finally {
    await engine.dispose();
  }
}

/** Router-steps per second of row `a` over row `b` (null when either is missing). */
function ratio(rows: readonly Row[], a: string, b: string): number | null {
  const ra = rows.find((r) => r.where === a);
  const rb = rows.find((r) => r.where === b);
  return ra && rb ? ra.routerStepsPerSecond / rb.routerStepsPerSecond : null;
}

async function main(): Promise<void> {
  const [nT, nG] = flag('grid', '41x37').split('x').map(Number);
  const spec = benchSpec(nT, nG, Number(flag('replicates', '8')), Number(flag('steps', '2000')));
  const warmup = benchSpec(6, 5, 4, 200);
  const rows: Row[] = [];
  rows.push(await inBrowser(spec, warmup, 'webgpu'));
  rows.push(await inBrowser(spec, warmup, 'cpu'));
  for (const adapter of ['swiftshader', 'llvmpipe', 'cpu'] as const) {
    try {
      rows.push(await inNode(adapter, spec, warmup));
    } catch (err) {
      note(`node ${adapter}: skipped (${(err as Error).message})`);
    }
  }
  const chromium = (() => {
    try {
      return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const report = {
    package: PACKAGE_VERSION,
    date: new Date().toISOString(),
    spec,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cpus: availableParallelism(),
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      chromium,
    },
    rows,
    pageVsNodeSwiftShader: ratio(rows, 'page in headless Chromium, WebGPU', 'Node, swiftshader'),
    pageCpuVsNodeCpu: ratio(rows, 'page in headless Chromium, CPU workers', 'Node, CPU engine (worker threads)'),
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const lines = [
    `${spec.description}: ${formatSI(specRouterSteps(spec))} router-steps; ${report.machine.cpu} x ${report.machine.cpus}, ${report.machine.chromium}, Node ${process.version}, ${report.date.slice(0, 10)}`,
    '',
    '| where | adapter | router-steps/s (run) | router-steps/s (wall) | run time |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.where}${r.chunks ? ` (${r.chunks} chunks)` : ''} | ${r.adapter} | ${formatSI(r.routerStepsPerSecond)} | ${formatSI(r.wallRouterStepsPerSecond)} | ${r.seconds.toFixed(2)} s |`,
    ),
  ];
  if (report.pageVsNodeSwiftShader !== null) lines.push('', `page / Node on SwiftShader (WebGPU): ${report.pageVsNodeSwiftShader.toFixed(2)}x`);
  if (report.pageCpuVsNodeCpu !== null) lines.push(`page CPU workers / Node CPU engine: ${report.pageCpuVsNodeCpu.toFixed(2)}x`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`web-throughput: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
