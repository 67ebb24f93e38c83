// A clean stderr: the filter drops exactly Dawn's known noise, whatever the chunking, and
// passes everything else through byte for byte and at once; the CLI runs the GPU commands
// behind it (exit codes and signals passed through), and `--verbose` shows Dawn's messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StderrFilter, wantsFilteredStderr } from '../src/cli/launch.js';
import { gpuSkip, releaseTestGpu } from './helpers/gpu.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const XDG = 'error: XDG_RUNTIME_DIR is invalid or not set in the environment.\n';
const REDUCED =
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.\n' +
  'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 80 to 16 to fit dynamic offset allocation limit.\n';
const PROBE =
  'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.\n' +
  ' - While initializing adapter (backend=BackendType::Vulkan)\n' +
  '    at InitializeImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)\n' +
  '\n';
// no Vulkan driver at all: the loader's warnings, then Dawn's failed vkCreateInstance
const NO_DRIVER =
  'Warning: loader_get_json: Failed to open JSON file /nonexistent.json\n' +
  'Warning: vkCreateInstance: Found no drivers!\n' +
  'Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER\n' +
  '    at CheckVkSuccessImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)\n' +
  '\n';
const LOADER = 'Error: Loader Message: loader_scanned_icd_add: Could not get vkCreateInstance via vk_icdGetInstanceProcAddr\n' + PROBE;
const NOISE = [XDG, REDUCED, PROBE, NO_DRIVER, LOADER];

const ENGINE_LINE = 'engine: webgpu | adapter: llvmpipe via opengl | backend: opengl\n';
const STACK =
  'moe-cusp: boom\nError: boom\n    at run (file:///work/main/dist/src/cli/experiments.js:10:11)\n' +
  '    at async Command.parseAsync (file:///work/main/node_modules/commander/lib/command.js:1:2)\n';
const BAR =
  '\x1b[?25l\x1b[1Gfig6 [=====-------] 33% | 1.20 M router-steps/s | ETA 4s\x1b[0K' +
  '\x1b[1Gfig6 [========----] 66% | 1.21 M router-steps/s | ETA 2s\x1b[0K' +
  '\rplain redraw 1\rplain redraw 2\r\n\x1b[?25h\x1b8\x1b[1G\x1b[2K';
const CLEAN = [
  ENGINE_LINE,
  'moe-cusp: --scale: must be one of quick, paper, large, got "huge"\n',
  STACK,
  BAR,
  'Warning: a warning of ours, no continuation\n',
  'Warning: with a Node frame\n    at f (file:///x.js:1:2)\n',
  ' - While initializing adapter, but no Warning before it\n',
  'Error: Loader Message: on its own\n',
  '\n\n',
  'ünïcödé → ok\n',
];

/** Feeds `chunks` and returns everything emitted (after end()). */
function filtered(chunks: string[]): string {
  let out = '';
  const filter = new StderrFilter((text) => {
    out += text;
  });
  for (const c of chunks) filter.write(c);
  filter.end();
  return out;
}

/** The same text cut at every byte, and at pseudo-random places. */
function splits(text: string): string[][] {
  const ways = [[text], [...text]];
  for (let seed = 1; seed <= 20; seed++) {
    const parts: string[] = [];
    let x = seed;
    for (let i = 0; i < text.length; ) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (x % 40);
      parts.push(text.slice(i, i + n));
      i += n;
    }
    ways.push(parts);
  }
  return ways;
}

test('filter: each noise form is dropped, however it is chunked', () => {
  for (const noise of NOISE) {
    for (const chunks of splits(noise)) assert.equal(filtered(chunks), '', JSON.stringify(chunks));
  }
});

test('filter: unrelated output passes byte-identical, however it is chunked', () => {
  for (const clean of CLEAN) {
    for (const chunks of splits(clean)) assert.equal(filtered(chunks), clean, JSON.stringify(chunks));
  }
});

test('filter: noise interleaved with real output leaves exactly the real output', () => {
  const parts = [XDG, XDG, PROBE, REDUCED, ENGINE_LINE, BAR, NO_DRIVER, STACK, LOADER, 'outputs: out/fig6\n', REDUCED];
  const expected = [ENGINE_LINE, BAR, STACK, 'outputs: out/fig6\n'].join('');
  for (const chunks of splits(parts.join(''))) assert.equal(filtered(chunks), expected);
  // Dawn writing in the middle of a progress bar line (a device replaced during a run)
  const bar = '\x1b[1Gfig8 [====------] 40% | 2 M router-steps/s | ETA 9s\x1b[0K';
  for (const chunks of splits(bar + REDUCED + bar + PROBE + bar)) assert.equal(filtered(chunks), bar + bar + bar);
});

test('filter: what cannot be noise is written at once', () => {
  const seen: string[] = [];
  const filter = new StderrFilter((text) => seen.push(text));
  filter.write('\x1b[1Gfig6 [====');
  assert.equal(seen.join(''), '\x1b[1Gfig6 [====', 'a partial progress-bar line');
  filter.write('---] 40%\x1b[0K\rmoe-cusp: writing');
  assert.equal(seen.join(''), '\x1b[1Gfig6 [====---] 40%\x1b[0K\rmoe-cusp: writing');
  filter.write(' out/fig6\nWarn');
  assert.equal(seen.join(''), '\x1b[1Gfig6 [====---] 40%\x1b[0K\rmoe-cusp: writing out/fig6\n', '"Warn" may start noise');
  filter.write('ed you\n');
  assert.equal(seen.join(''), '\x1b[1Gfig6 [====---] 40%\x1b[0K\rmoe-cusp: writing out/fig6\nWarned you\n');
  filter.end();
});

test('filter: a held Warning line without a continuation is flushed after the hold time', async () => {
  const seen: string[] = [];
  const filter = new StderrFilter((text) => seen.push(text), 30);
  filter.write('Warning: something of ours\n');
  assert.deepEqual(seen, [], 'held for one line of lookahead');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(seen.join(''), 'Warning: something of ours\n');
  filter.write('Warn');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(seen.join(''), 'Warning: something of ours\nWarn', 'a held partial line too');
  filter.write('ing: the rest of that line\n');
  assert.equal(seen.join(''), 'Warning: something of ours\nWarning: the rest of that line\n');
  filter.end();
  // and at end of stream
  assert.equal(filtered(['Warning: last words\n']), 'Warning: last words\n');
  assert.equal(filtered(['Warning: no newline at the end']), 'Warning: no newline at the end');
});

test('which invocations relaunch behind the filter', () => {
  const argv = (...args: string[]) => [process.execPath, MAIN, ...args];
  for (const cmd of ['run', 'reproduce', 'demo', 'sample', 'bench']) assert.ok(wantsFilteredStderr(argv(cmd, 'x'), {}), cmd);
  assert.ok(!wantsFilteredStderr(argv('analytic'), {}));
  assert.ok(!wantsFilteredStderr(argv('merge', 'parts'), {}));
  assert.ok(!wantsFilteredStderr(argv(), {}));
  assert.ok(!wantsFilteredStderr(argv('--version'), {}));
  assert.ok(!wantsFilteredStderr(argv('run', '--help'), {}));
  assert.ok(!wantsFilteredStderr(argv('run', 'fig6', '--verbose'), {}));
  assert.ok(!wantsFilteredStderr(argv('--verbose', 'run', 'fig6'), {}));
  assert.ok(!wantsFilteredStderr(argv('run', 'fig6'), { MOE_CUSP_VERBOSE: '1' }));
  assert.ok(!wantsFilteredStderr(argv('run', 'fig6'), { MOE_CUSP_STDERR_FILTERED: '1' }), 'the child itself');
});

/** The CLI with the default engine and adapter choice, and no runtime dir (as in a container). */
function cli(args: string[]) {
  const env = { ...process.env };
  for (const k of ['MOE_CUSP_ENGINE', 'MOE_CUSP_ADAPTER', 'MOE_CUSP_VERBOSE', 'MOE_CUSP_STDERR_FILTERED', 'MOE_CUSP_STDERR_TTY', 'XDG_RUNTIME_DIR']) {
    delete env[k];
  }
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a normal run has a clean stderr; --verbose shows Dawn; exit codes pass through', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'moe-cusp-stderr-'));
  const args = ['run', 'fig6', '--scale', 'quick', '--no-png', '--no-report', '--out', out];
  const r = cli(args);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /^error:/im);
  assert.doesNotMatch(r.stderr, /^Warning:/m);
  assert.doesNotMatch(r.stderr, /artificially reduced/);
  assert.match(r.stdout, /outputs: /);

  const bad = cli(['run', 'fig6', '--verbose', '--scale', 'huge', '--out', join(out, 'bad')]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^moe-cusp: --scale: must be one of/);
  const badRelaunched = cli(['run', 'fig6', '--scale', 'huge', '--out', join(out, 'bad')]);
  assert.equal(badRelaunched.code, 2, badRelaunched.stderr);
  assert.equal(badRelaunched.stderr, bad.stderr);

  await t.test('--verbose: Dawn speaks', async (t) => {
    const skip = await gpuSkip();
    await releaseTestGpu();
    if (skip) return t.skip(skip);
    const v = cli([...args, '--verbose']);
    assert.equal(v.code, 0, v.stderr);
    // Dawn lowers those limits on its OpenGL backend (llvmpipe); a hardware adapter may say nothing
    if (!/backend: opengl/.test(v.stderr)) return t.skip(`not on OpenGL: ${v.stderr}`);
    assert.match(v.stderr, /^Warning: .*artificially reduced from \d+ to \d+/m);
  });
});

/** Starts a long CPU run; resolves with the parent and the relaunched child's pid. */
async function longRun() {
  const out = mkdtempSync(join(tmpdir(), 'moe-cusp-stderr-'));
  const env = { ...process.env };
  delete env.MOE_CUSP_VERBOSE;
  delete env.MOE_CUSP_STDERR_FILTERED;
  const parent = spawn(process.execPath, [MAIN, 'run', 'fig8', '--scale', 'paper', '--engine', 'cpu', '--no-png', '--no-report', '--out', out], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  parent.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  parent.stdout.resume();
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    parent.on('close', (code, signal) => resolve({ code, signal }));
  });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const pids = execFileSync('ps', ['--ppid', String(parent.pid), '-o', 'pid='], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  assert.equal(pids.length, 1, `children of ${parent.pid}: ${pids.join(' ')}; stderr: ${stderr}`);
  return { parent, childPid: Number(pids[0]), closed, stderr: () => stderr };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms).unref())]);

test('SIGTERM to the CLI reaches the relaunched child; no orphan remains', async () => {
  const { parent, childPid, closed, stderr } = await longRun();
  assert.ok(alive(childPid));
  parent.kill('SIGTERM');
  const end = await within(20_000, closed);
  assert.ok(end.code !== 0, `exit ${end.code} / ${end.signal}`);
  assert.equal(end.signal, null, 'the parent itself survives the signal and exits with a code');
  assert.ok(!alive(childPid), `child ${childPid} still running; stderr: ${stderr()}`);
});

test('a child killed by a signal: the CLI exits 128 + its number', async () => {
  const { childPid, closed } = await longRun();
  process.kill(childPid, 'SIGKILL');
  const end = await within(20_000, closed);
  assert.equal(end.code, 128 + 9);
});
