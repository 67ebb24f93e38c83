// Failure behaviour with real files and real processes: unusable output folders, outputs
// published as one set, a full disk, one writer per experiment, SIGTERM then --resume, and
// the flags and variables that must not be taken silently.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LONG_RELAX } from './helpers/specs.js';
import { OutputFolder } from '../src/node/out-dir.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const scratch = () => mkdtempSync(join(tmpdir(), 'moe-cusp-safety-'));

function cli(args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout, env: { ...process.env, MOE_CUSP_ENGINE: 'cpu', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

/** Every path under dir, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      out.push(prefix + e.name + (e.isDirectory() ? '/' : ''));
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Results without what differs between identical runs (timings; resume segments). */
function observables(path: string): unknown {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  return {
    ...r,
    provenance: r.provenance.map(({ startedAt: _s, elapsedMs: _e, routerStepsPerSecond: _r, segments: _g, ...p }: Record<string, unknown>) => p),
  };
}

/** A tmpfs of `size` mounted at a new folder (root only), or null where mounting is not allowed. */
function tmpfs(size: string, options = ''): { path: string; umount(): void } | null {
  const path = scratch();
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? ',' + options : ''}`, 'tmpfs', path], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return {
    path,
    umount: () => {
      spawnSync('umount', ['-l', path]);
    },
  };
}

const tiny = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name,
    params: { a: 3, gamma: 1, B: 64, eta: 0.01 },
    axes: [{ param: 'T', values: { list: [1, 2] } }],
    replicates: 8,
    steps: 200,
    window: 20,
    seed: 4,
    ...extra,
  });

describe('the output folder is checked before any compute', () => {
  const refused = (out: string, reason: RegExp) => {
    const t0 = Date.now();
    const r = cli(['run', 'fig6', '--scale', 'quick', '--out', out], {}, 20_000);
    assert.equal(r.error, undefined, `${out}: ${r.error}`);
    assert.equal(r.code, 2, `${out}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, /^moe-cusp: --out: cannot use .* as the output folder: /);
    assert.match(r.stderr, reason);
    assert.doesNotMatch(r.stderr, /engine:/, 'refused before an engine started');
    assert.ok(Date.now() - t0 < 15_000, 'promptly');
  };

  test('a file in the way, a path under a file, /proc, a name too long: exit 2 with the reason in words', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), 'x');
    refused(join(dir, 'file'), /is a file, not a folder/);
    refused(join(dir, 'file', 'sub'), /is a file, not a folder/);
    // Node's recursive mkdir never returns here: the tool must not hang.
    refused('/proc/moe-cusp/out', /folders cannot be created there|not permitted|read-only/);
    refused(join(dir, 'n'.repeat(300)), /too long/);
    refused('/dev/null/out', /not a folder/);
  });

  test('a read-only mount: exit 2, nothing written', (t) => {
    const ro = tmpfs('1m', 'ro');
    if (!ro) return t.skip('mount is not allowed here');
    try {
      refused(join(ro.path, 'out'), /read-only/);
      refused(ro.path, /read-only/);
      assert.deepEqual(readdirSync(ro.path), []);
    } finally {
      ro.umount();
    }
  });

  test('a missing --out is created (with its parents)', () => {
    const dir = scratch();
    const spec = join(dir, 's.json');
    writeFileSync(spec, tiny('made'));
    const r = cli(['run', spec, '--no-png', '--out', join(dir, 'a', 'b', 'c')]);
    assert.equal(r.code, 0, r.stderr);
    const made = tree(join(dir, 'a', 'b', 'c'));
    assert.ok(made.includes('made/result.json') && made.includes('report.html'), made.join());
    assert.ok(
      made.every((f) => f === 'report.html' || f.startsWith('made/')),
      made.join(),
    );
  });

  test("a folder of the user's under the experiment's name is never replaced", () => {
    const dir = scratch();
    const spec = join(dir, 's.json');
    writeFileSync(spec, tiny('notes'));
    mkdirSync(join(dir, 'out', 'notes'), { recursive: true });
    writeFileSync(join(dir, 'out', 'notes', 'thesis.tex'), 'precious');
    const r = cli(['run', spec, '--out', join(dir, 'out')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^moe-cusp: --out: .*notes exists and holds no result\.json of a moe-cusp run/);
    assert.equal(readFileSync(join(dir, 'out', 'notes', 'thesis.tex'), 'utf8'), 'precious');
  });

  test('defence in depth: the writer refuses names that leave the folder, whatever reaches it', () => {
    const out = OutputFolder.prepare(join(scratch(), 'out'));
    for (const bad of ['../x', '..', '/etc/passwd', 'a/../../b', '.hidden', '', 'x\0y', 'a/b']) {
      assert.throws(() => out.path(bad), /unsafe name|not inside/, bad);
    }
    assert.throws(() => out.path('parts', '..', '..', 'x'), /unsafe name/);
    assert.match(out.path('fig6', 'result.json'), /out\/fig6\/result\.json$/);
  });
});

describe('outputs are published as one set', () => {
  test('a rerun with fewer outputs leaves no file of the old run beside the new ones', () => {
    const dir = scratch();
    const out = join(dir, 'out');
    assert.equal(cli(['run', 'fig6', '--scale', 'quick', '--out', out]).code, 0);
    assert.ok(existsSync(join(out, 'fig6', 'fig6-trace.png')));
    const r = cli(['run', 'fig6', '--scale', 'quick', '--seed', '2', '--no-png', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tree(out), ['fig6/', 'fig6/fig6-trace.csv', 'fig6/result.json', 'report.html']);
    assert.equal(JSON.parse(readFileSync(join(out, 'fig6', 'result.json'), 'utf8')).provenance[0].seed, 2);
  });

  test('a full disk: exit 1 naming the file; the previous complete set is untouched', (t) => {
    const fs = tmpfs('100k');
    if (!fs) return t.skip('mount is not allowed here');
    try {
      const out = join(fs.path, 'out');
      // ~46 kB without PNG and report: fits; with the 44 kB PNG staged beside it, it does not.
      assert.equal(cli(['run', 'fig6', '--scale', 'quick', '--no-png', '--no-report', '--out', out]).code, 0);
      const before = readFileSync(join(out, 'fig6', 'result.json'), 'utf8');
      const r = cli(['run', 'fig6', '--scale', 'quick', '--seed', '9', '--no-report', '--out', out]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^moe-cusp: cannot write \S+: no space left on the device \(ENOSPC\)/m);
      assert.equal(readFileSync(join(out, 'fig6', 'result.json'), 'utf8'), before);
      // The computed run stays in its checkpoint: once there is room, --resume only writes.
      assert.deepEqual(
        tree(out),
        ['checkpoints/', 'checkpoints/checkpoint-fig6.bin', 'fig6/', 'fig6/fig6-trace.csv', 'fig6/result.json'],
        'no staging folder, lock or temporary file left',
      );
    } finally {
      fs.umount();
    }
  });
});

describe('one writer per experiment folder', () => {
  const longSpec = (dir: string) => {
    const path = join(dir, 'long.json');
    writeFileSync(path, JSON.stringify(LONG_RELAX));
    return path;
  };
  const waitFor = async (cond: () => boolean, ms = 30_000) => {
    for (const t0 = Date.now(); !cond() && Date.now() - t0 < ms; ) await new Promise((r) => setTimeout(r, 50));
    return cond();
  };

  test('a second run into the same experiment exits 2 naming the running one; a stale lock is taken over', async () => {
    const dir = scratch();
    const spec = longSpec(dir);
    const out = join(dir, 'out');
    const first = spawn(process.execPath, [MAIN, 'run', spec, '--no-png', '--no-report', '--out', out], {
      env: { ...process.env, MOE_CUSP_ENGINE: 'cpu' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
    try {
      assert.ok(await waitFor(() => existsSync(join(out, '.moe-cusp', 'long.lock'))), 'the first run holds the lock');
      const second = cli(['run', spec, '--no-png', '--out', out]);
      assert.equal(second.code, 2, second.stderr);
      assert.match(
        second.stderr,
        /^moe-cusp: --out: .*long: another moe-cusp run \(pid \d+ on .*, started .*: moe-cusp run .*long\.json.*\) is writing it/,
      );
      // A shard of the same experiment writes only its own part: it may run alongside.
      const shard = cli(['run', join(dir, 'long.json'), '--shard', '3/4', '--no-png', '--out', out, '--checkpoint-every', '0'], {}, 120_000);
      assert.equal(shard.code, 0, shard.stderr);
    } finally {
      first.kill('SIGKILL');
      await exited;
    }
    // Killing the relaunching parent stops its child too: no live process holds the lock on.
    const lockPath = join(out, '.moe-cusp', 'long.lock');
    const holderAlive = () => {
      if (!existsSync(lockPath)) return false;
      try {
        process.kill(JSON.parse(readFileSync(lockPath, 'utf8')).pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    assert.ok(await waitFor(() => !holderAlive(), 20_000), 'the orphaned child stopped');
  });

  test('a stale lock (its process gone, or its PID reused by another process) is taken over', () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const spec = join(dir, 'quick.json');
    writeFileSync(spec, tiny('long'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const stale = [
      { pid: Number(gone.stdout), host: hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'moe-cusp run long' },
      // PID 1 is alive here, but it is not the process that took the lock
      { pid: 1, host: hostname(), startedAt: '2026-01-01T00:00:00Z', processStart: 1, command: 'moe-cusp run long' },
    ];
    for (const lock of stale) {
      mkdirSync(join(out, '.moe-cusp'), { recursive: true });
      writeFileSync(join(out, '.moe-cusp', 'long.lock'), JSON.stringify(lock));
      const r = cli(['run', spec, '--no-png', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(join(out, '.moe-cusp')), 'lock released, state folder removed');
    }
  });

  test('a lock held by a live process on another host is refused with the file to delete', () => {
    const dir = scratch();
    const out = join(dir, 'out');
    mkdirSync(join(out, '.moe-cusp'), { recursive: true });
    writeFileSync(
      join(out, '.moe-cusp', 'x.lock'),
      JSON.stringify({ pid: 1, host: `not-${hostname()}`, startedAt: '2026-01-01T00:00:00Z', command: 'moe-cusp run x' }),
    );
    const spec = join(dir, 'x.json');
    writeFileSync(spec, tiny('x'));
    const r = cli(['run', spec, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /pid 1 on not-.*or delete .*x\.lock if that run is gone/);
  });
});

describe('SIGTERM writes a checkpoint; --resume loses nothing', () => {
  // A relax scan, a sweep and a trace, each long enough to be stopped mid-way on the CPU engine.
  const specs: Record<string, object> = {
    relax: { ...LONG_RELAX, name: 'relax' },
    sweep: {
      name: 'sweep',
      params: { a: 4, gamma: 1, T: 1, B: 256, eta: 0.01 },
      axes: [{ param: 'rho', values: { list: [0, 0.5] } }],
      replicates: 512,
      steps: 400,
      window: 100,
      seed: 5,
      protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -2, to: 2, count: 9 } }, direction: 'up-down', stepsPerPoint: [2000, 1000] },
    },
    trace: {
      name: 'trace',
      params: { a: 3, gamma: 1, T: 1, B: 128, eta: 0.01 },
      axes: [{ param: 'h', values: { list: [0, 0.1, 0.2, 0.3] } }],
      replicates: 1024,
      steps: 8000,
      window: 8000,
      seed: 9,
      protocol: { kind: 'trace', every: 2000 },
    },
  };
  for (const [name, body] of Object.entries(specs)) {
    test(`${name}: stopped by SIGTERM mid-run, exit 143 within seconds; resumed, bit-identical to the plain run`, async () => {
      const dir = scratch();
      const spec = join(dir, `${name}.json`);
      writeFileSync(spec, JSON.stringify(body));
      const args = (out: string, ...more: string[]) => [MAIN, 'run', spec, '--no-png', '--no-report', '--out', out, ...more];
      const env = { ...process.env, MOE_CUSP_ENGINE: 'cpu' };
      const plain = spawnSync(process.execPath, args(join(dir, 'plain'), '--checkpoint-every', '0'), { env, encoding: 'utf8' });
      assert.equal(plain.status, 0, plain.stderr);

      const out = join(dir, 'stopped');
      const child = spawn(process.execPath, args(out, '--checkpoint-every', '0'), { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      assert.equal(code, 143, stderr);
      assert.ok(Date.now() - t0 < 8000, `stopped in ${Date.now() - t0} ms`);
      assert.match(stderr, /SIGTERM: stopped; checkpoint written to .*checkpoint-\w+\.bin; run the same command with --resume/);
      assert.ok(existsSync(join(out, 'checkpoints', `checkpoint-${name}.bin`)));
      assert.ok(!existsSync(join(out, name)), 'nothing published');
      assert.ok(!existsSync(join(out, '.moe-cusp')), 'lock released');

      const resumed = spawnSync(process.execPath, args(out, '--resume'), { env, encoding: 'utf8' });
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.deepEqual(observables(join(out, name, 'result.json')), observables(join(dir, 'plain', name, 'result.json')));
      const prov = JSON.parse(readFileSync(join(out, name, 'result.json'), 'utf8')).provenance[0];
      assert.equal(prov.segments.length, 2, 'two processes worked on it');
      assert.equal(prov.segments[0].routerSteps + prov.segments[1].routerSteps, prov.routerSteps);
      assert.ok(prov.segments[0].routerSteps > 0 && prov.segments[1].routerSteps > 0);
      assert.ok(Math.abs(prov.elapsedMs - prov.segments[0].elapsedMs - prov.segments[1].elapsedMs) < 1e-6 * prov.elapsedMs + 1e-6);
      assert.ok(!existsSync(join(out, 'checkpoints')), 'the checkpoint is gone once the run completed');
    });
  }
});

describe('flags and variables', () => {
  test('--resume with --resume-if-present conflicts; empty scheduler variables are named', () => {
    const dir = scratch();
    const out = join(dir, 'out');
    let r = cli(['run', 'fig6', '--scale', 'quick', '--resume', '--resume-if-present', '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^moe-cusp: --resume: cannot be used with option '--resume-if-present'/);
    r = cli(['run', 'fig10', '--scale', 'quick', '--shards', '3', '--out', out], { JOB_COMPLETION_INDEX: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^moe-cusp: JOB_COMPLETION_INDEX: must be a non-negative integer, got an empty value/);
    r = cli(['run', 'fig10', '--scale', 'quick', '--shards', '3', '--out', out], { SLURM_ARRAY_TASK_ID: ' ' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^moe-cusp: SLURM_ARRAY_TASK_ID: must be a non-negative integer, got an empty value/);
    r = cli(['run', 'fig10', '--scale', 'quick', '--shards', '3', '--out', out], { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: 'x' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^moe-cusp: SLURM_ARRAY_TASK_MIN: must be a non-negative integer, got "x"/);
    r = cli(['run', 'fig6', '--scale', 'quick', '--resume', '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^moe-cusp: --resume: no checkpoint at /);
    assert.ok(!existsSync(out), 'nothing created');
  });

  test('reproduce --resume checks every checkpoint before writing anything', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    // Two finished experiments' checkpoints are kept until the whole reproduce completes:
    // stop it during the third one.
    const child = spawn(
      process.execPath,
      [MAIN, 'reproduce', '--scale', 'quick', '--only', 'fig6,fig7,fig8', '--no-png', '--out', out, '--checkpoint-every', '0.1'],
      { env: { ...process.env, MOE_CUSP_ENGINE: 'cpu' }, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for (const t0 = Date.now(); !existsSync(join(out, 'fig7')) && Date.now() - t0 < 60_000; ) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await exited;
    if (code === 0) return; // finished before the signal on a fast machine: nothing to resume
    assert.equal(code, 143);
    const checkpoints = readdirSync(join(out, 'checkpoints')).sort();
    assert.ok(checkpoints.includes('checkpoint-fig6.bin') && checkpoints.includes('checkpoint-fig7.bin'), checkpoints.join());
    const before = tree(out).map((f) => [f, f.endsWith('/') ? '' : readFileSync(join(out, f)).toString('base64')]);
    // Corrupt one: the whole resume is refused before anything is written.
    const bad = join(out, 'checkpoints', 'checkpoint-fig7.bin');
    const bytes = readFileSync(bad);
    bytes[bytes.length - 40] ^= 0xff;
    writeFileSync(bad, bytes);
    const after = tree(out).map((f) => [f, f.endsWith('/') ? '' : readFileSync(join(out, f)).toString('base64')]);
    const refused = cli(['reproduce', '--scale', 'quick', '--only', 'fig6,fig7,fig8', '--no-png', '--out', out, '--resume']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /checkpoint-fig7\.bin: .*checksum/);
    assert.deepEqual(
      tree(out).map((f) => [f, f.endsWith('/') ? '' : readFileSync(join(out, f)).toString('base64')]),
      after,
      'nothing written',
    );
    assert.notDeepEqual(before, after);
  });
});
