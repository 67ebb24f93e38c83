// The command line as a user meets it: real child processes, exit codes, what lands on disk.
// Bad input exits 2 with a message naming the field and writes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { browserSkip, launchBrowser } from './helpers/browser.js';
import { displayedStandIns, htmlText, standIns } from './helpers/unicode.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MOE_CUSP_ENGINE: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'moe-cusp-cli-'));

test('--help on every command exits 0', () => {
  for (const cmd of [[], ['run'], ['reproduce'], ['analytic'], ['sample'], ['bench'], ['demo']]) {
    const r = cli([...cmd, '--help']);
    assert.equal(r.code, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage: moe-cusp/);
  }
});

test('bad input: exit 2, the field named, nothing written', () => {
  const dir = scratch();
  const out = join(dir, 'out');
  const bad = (args: string[], field: RegExp) => {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, field);
    assert.ok(!existsSync(out), `${args.join(' ')} wrote ${out}`);
  };
  bad(['run', 'fig99', '--out', out], /^moe-cusp: target: must be a preset \(fig6/);
  bad(['run', 'fig6', '--scale', 'huge', '--out', out], /^moe-cusp: --scale: must be one of quick, paper, large, got "huge"/);
  bad(['run', 'fig6', '--seed', '-1', '--out', out], /^moe-cusp: --seed: must be an integer/);
  bad(['run', 'fig6', '--engine', 'quantum', '--out', out], /^moe-cusp: --engine: must be one of auto, webgpu, cpu/);
  bad(['run', 'fig6', '--bogus', '--out', out], /^moe-cusp: --bogus: unknown option/);
  bad(['reproduce', '--only', 'fig6,figX', '--out', out], /^moe-cusp: --only: each entry must be one of/);
  const spec = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };
  const good = { params: { a: 3, T: 1, gamma: 1, B: 64, eta: 0.01 }, replicates: 4, steps: 100, window: 10, seed: 1 };
  bad(['run', spec('a.json', { ...good, temperature: 2 }), '--out', out], /^moe-cusp: temperature: unknown key/);
  bad(
    ['run', spec('b.json', { ...good, params: { ...good.params, T: -1 } }), '--out', out],
    /^moe-cusp: params\.T: .*> 0|^moe-cusp: params\.T: must be/,
  );
  bad(['run', spec('c.json', { ...good, window: 1000 }), '--out', out], /^moe-cusp: window: /);
  bad(['run', spec('d.json', '{ "params": '), '--out', out], /^moe-cusp: spec: /);
  bad(['analytic', '--T', '0'], /^moe-cusp: --T: must be a number in \[1e-30, /);
  bad(['analytic', '--B', '512'], /^moe-cusp: --eta: the linear-noise variance needs both --B and --eta/);
});

test('run a preset: result.json, CSVs, PNGs, report.html; same seed -> same result', () => {
  const dir = scratch();
  const run = (out: string) => {
    const r = cli(['run', 'fig6', '--scale', 'quick', '--seed', '5', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(readFileSync(join(out, 'fig6', 'result.json'), 'utf8'));
    // the printed table lists every estimate (found by id, shown by name)
    const final = result.estimates.find((e: { id: string }) => e.id === 'fig6.final-load');
    assert.ok(final, 'result.json has the estimate fig6.final-load');
    assert.ok(r.stdout.includes(final.name), r.stdout);
    return result;
  };
  const first = run(join(dir, 'a'));
  const files = readdirSync(join(dir, 'a', 'fig6'));
  assert.ok(files.includes('fig6-trace.csv') && files.includes('fig6-trace.png'), files.join(','));
  assert.ok(!files.some((f) => f.endsWith('.tmp')));
  assert.ok(existsSync(join(dir, 'a', 'report.html')));
  const csv = readFileSync(join(dir, 'a', 'fig6', 'fig6-trace.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv[0], 'step,t,mean_u,sd_u,mean_abs_u,mean_y,sd_y,meanfield_u');
  assert.equal(csv.length, 1 + 6000 / 100);
  const p = first.provenance[0];
  assert.equal(p.engine, 'cpu');
  assert.equal(p.seed, 5);
  assert.ok(p.version && p.adapter && p.routerSteps === 40 * 6000);
  const second = run(join(dir, 'b'));
  const strip = (r: { provenance: Record<string, unknown>[] }) => ({
    ...r,
    provenance: r.provenance.map(({ startedAt, elapsedMs, routerStepsPerSecond, ...rest }) => rest),
  });
  assert.deepEqual(strip(second), strip(first));
});

test('run a spec file, --json to stdout', () => {
  const dir = scratch();
  const path = join(dir, 'scan.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 'tscan',
      params: { a: 3, gamma: 1, B: 128, eta: 0.01 },
      axes: [{ param: 'T', values: { list: [1, 2] } }],
      replicates: 16,
      steps: 400,
      window: 40,
      seed: 3,
      initial: { y0: 0, asym: 0.05 },
    }),
  );
  const r = cli(['run', path, '--json', '--no-png', '--no-report', '--out', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.id, 'tscan');
  assert.equal(result.specs[0].seed, 3);
  assert.ok(existsSync(join(dir, 'out', 'tscan', 'result.json')));
  assert.ok(!existsSync(join(dir, 'out', 'report.html')));
});

test('analytic --N: the N-expert threshold, the saddle-node below it and the one-winner states (MODEL.md section 5)', () => {
  const r = cli(['analytic', '--a', '3.4', '--T', '1', '--gamma', '1', '--N', '4', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const n = JSON.parse(r.stdout).nExperts;
  assert.ok(Math.abs(n.saddleNode.K - 3.218741) < 1e-6, String(n.saddleNode.K));
  assert.equal(n.criticalTemperature, 0.85);
  assert.match(n.regime, /^bistable/);
  const stable = n.oneWinner.filter((e: { stable: boolean }) => e.stable);
  assert.equal(stable.length, 1);
  assert.ok(Math.abs(stable[0].winnerShare - 0.8) < 0.01, String(stable[0].winnerShare));
  const below = JSON.parse(cli(['analytic', '--a', '3', '--N', '4', '--json']).stdout).nExperts;
  assert.equal(below.regime, 'balanced only');
  assert.deepEqual(below.oneWinner, []);
  assert.match(cli(['analytic', '--a', '3.4', '--N', '4']).stdout, /saddle-node K_sn = 3\.218741 .*bistable/);
});

test('analytic: the reference values of MODEL.md', () => {
  const r = cli(['analytic', '--a', '4', '--T', '1', '--gamma', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout);
  assert.ok(Math.abs(a.hysteresisHalfWidth - 1.06568) < 1e-5);
  assert.equal(a.criticalTemperature, 2);
  assert.equal(a.equilibria.length, 3);
  assert.equal(a.equilibria.filter((e: { stable: boolean }) => e.stable).length, 2);
  const text = cli(['analytic', '--a', '3', '--B', '512', '--eta', '0.002', '--T', '2.2']);
  assert.match(text.stdout, /T_c = a_eff\/\(2 gamma\) = 1\.5/);
  assert.match(text.stdout, /linear-noise Var\(y\)/);
});

test('sample: one CSV row per replicate', () => {
  const r = cli([
    'sample',
    '--a',
    '3',
    '--T',
    '2',
    '--gamma',
    '1',
    '--B',
    '256',
    '--eta',
    '0.01',
    '--replicates',
    '12',
    '--steps',
    '200',
    '--seed',
    '4',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^# moe-cusp .* seed=4 engine=cpu/);
  assert.equal(lines[1], 'replicate,mean_u,mean_abs_u,mean_u2,final_y');
  assert.equal(lines.length, 2 + 12);
  for (const line of lines.slice(2))
    assert.ok(
      line.split(',').every((v) => Number.isFinite(Number(v))),
      line,
    );
});

test('reproduce --scale quick: every preset in one report that renders in headless Chromium', async (t) => {
  const dir = scratch();
  const out = join(dir, 'out');
  const r = cli(['reproduce', '--scale', 'quick', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  let figures = 0;
  const standInsLeft: string[] = [];
  // the paper's presets, then the N-expert ones, then the trainable ones
  for (const id of [
    'fig6',
    'fig7',
    'fig8',
    'fig9',
    'fig10',
    'fig11',
    'cusp',
    'nexp-threshold',
    'nexp-hysteresis',
    'nexp-bistability',
    'nexp-balancing',
    'fig1',
    'fig2',
    'fig3',
    'fig4',
    'fig5',
  ]) {
    const result = JSON.parse(readFileSync(join(out, id, 'result.json'), 'utf8'));
    assert.equal(result.id, id);
    figures += result.figures.length;
    const pngs = readdirSync(join(out, id)).filter((f) => f.endsWith('.png'));
    assert.equal(pngs.length, result.figures.length, `${id}: one PNG per figure`);
    // CSV columns are names for programs: printable ASCII; what the report and PNGs show is Unicode
    for (const csv of readdirSync(join(out, id)).filter((f) => f.endsWith('.csv'))) {
      const header = readFileSync(join(out, id, csv), 'utf8').split('\n')[0];
      assert.match(header, /^[\x20-\x7e]+$/, `${id}/${csv}: ${header}`);
    }
    standInsLeft.push(...displayedStandIns(id, result.figures, result.estimates));
  }
  assert.deepEqual(standInsLeft, [], 'the figures and estimates as the report and the PNGs show them');
  // the report's own text (ids and the adapter's name aside)
  const html = readFileSync(join(out, 'report.html'), 'utf8')
    .replace(/<dl class="provenance">[\s\S]*?<\/dl>/, '')
    .replace(/<span class="exp-id">[^<]*<\/span>/g, '');
  const text = htmlText(html);
  assert.deepEqual(standIns(text), [], 'report.html');
  assert.ok(!text.includes('_'), `an underscore in report.html: ${text.match(/.{0,40}_.{0,40}/)?.[0]}`);
  const skip = browserSkip();
  if (skip) return t.skip(skip);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
    assert.deepEqual(errors, []);
    assert.equal(await page.evaluate(() => Number(document.body.dataset.figures)), figures);
    assert.equal(await page.evaluate(() => Number(document.body.dataset.failed ?? 0)), 0);
    assert.equal(await page.locator('[data-figure-id]').count(), figures);
  } finally {
    await browser.close();
  }
});
