// The output folder (`--out`): the only place the CLI writes. It is checked before any
// compute (created if missing, probed by creating and removing a file), every path written
// is built from safe names and checked to resolve inside it, an experiment's outputs are
// published as one set (written into a staging folder, then renamed into place), and one
// process at a time writes an experiment (an exclusive lock file).
//
// Layout of <out>:
//   <id>/                      an experiment's published outputs (result.json, CSVs, PNGs)
//   report.html                the report over the experiments of the last run
//   parts/part-<id>-<i>-of-<n>.json    shard parts, for `merge`
//   checkpoints/checkpoint-<key>.bin   checkpoints of unfinished runs (`--resume`)
//   .moe-cusp/                 locks (<key>.lock) and staging folders; empty between runs

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../core/model.js';

/** A file or folder name the CLI may create: what safe ids (src/core/names.ts) become with suffixes. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;
const STATE_DIR = '.moe-cusp';

/** A random part for temporary names: the PID alone repeats across containers (PID 1). */
export function randomTag(): string {
  return randomBytes(6).toString('hex');
}

/** An errno in words, for messages that name what could not be done and why. */
export function errnoWords(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'it exists already',
    ENAMETOOLONG: 'the path or one of its names is too long',
    ENOENT: 'no such file or folder',
    EISDIR: 'it is a folder',
    ELOOP: 'too many symbolic links',
    EIO: 'an input/output error',
    EMFILE: 'too many open files',
    EINVAL: 'the operation is not supported there',
  };
  return code && words[code] ? `${words[code]} (${code})` : ((err as Error)?.message ?? String(err));
}

/** A failure to write an output: names the file and the reason in words (exit 1, not bad input). */
export class WriteError extends Error {
  readonly reason: string;
  constructor(
    readonly path: string,
    cause: unknown,
    more = '',
  ) {
    const reason = typeof cause === 'string' ? cause : errnoWords(cause);
    super(`cannot write ${path}: ${reason}${more}`);
    this.reason = reason;
    this.name = 'WriteError';
  }
}

/**
 * mkdir -p that never hangs: Node's recursive mkdirSync loops forever under /proc (measured
 * on Node 20: `mkdirSync('/proc/x/y', { recursive: true })`), so each missing folder is made
 * on its own and every existing one checked to be a folder.
 */
export function makeFolders(path: string, created: string[] = []): string[] {
  const full = resolve(path);
  const parts = full.split(sep).filter(Boolean);
  let at: string = sep;
  for (const part of parts) {
    at = join(at, part);
    let st: Stats | undefined;
    try {
      st = statSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${at} is a file, not a folder`), { code: 'ENOTDIR', at });
      continue;
    }
    try {
      mkdirSync(at);
      created.push(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(at).isDirectory()) continue;
      throw Object.assign(err as Error, { at });
    }
  }
  return created;
}

/** Writes a file under a random temporary name beside it, syncs it, and renames it into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${randomTag()}.tmp`;
  try {
    const fd = openSync(tmp, 'wx');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err instanceof WriteError ? err : new WriteError(path, err);
  }
}

/** What a lock file says about its holder. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** the holder's start time in clock ticks since boot (Linux), to tell a reused PID apart */
  processStart?: number;
  command: string;
}

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined off Linux or if gone. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count from its end
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lock's holder is certainly gone: same host, and no such process (or another one under its PID). */
function isStale(info: LockInfo): boolean {
  if (info.host !== hostname()) return false;
  if (info.pid === process.pid) return true; // not us: we do not hold it yet
  if (!alive(info.pid)) return true;
  const start = processStart(info.pid);
  return info.processStart !== undefined && start !== undefined && start !== info.processStart;
}

function describeHolder(info: LockInfo | null, path: string): string {
  if (!info) return `another moe-cusp run holds ${path}`;
  return `another moe-cusp run (pid ${info.pid} on ${info.host}, started ${info.startedAt}: ${info.command}) is writing it`;
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info?.pid === 'number' && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** An exclusive lock on one experiment (or shard) of an output folder; release() is idempotent. */
export class Lock {
  private held = true;
  constructor(
    readonly path: string,
    readonly key: string,
  ) {}

  release(): void {
    if (!this.held) return;
    this.held = false;
    rmSync(this.path, { force: true });
    try {
      rmdirSync(dirname(this.path)); // the state folder, when nothing else is in it
    } catch {
      /* not empty, or gone */
    }
  }
}

/** The output folder of a run, checked and usable. */
export class OutputFolder {
  private readonly real: string;
  private readonly locks: Lock[] = [];

  private constructor(
    readonly root: string,
    private readonly created: string[],
  ) {
    this.real = realpathSync(root);
  }

  /**
   * Creates the folder if missing and probes it by creating and removing a file. Every
   * failure is an InputError on `flag` with the reason in words.
   */
  static prepare(path: string, flag = '--out'): OutputFolder {
    const root = resolve(path);
    const refuse = (why: string): never => {
      throw new InputError(flag, `cannot use ${JSON.stringify(path)} as the output folder: ${why}`);
    };
    if (path.includes('\0')) refuse('the path holds a NUL character');
    const created: string[] = [];
    try {
      makeFolders(root, created);
    } catch (err) {
      const at = (err as { at?: string }).at;
      const code = (err as NodeJS.ErrnoException).code;
      refuse(`${code === 'ENOENT' ? 'folders cannot be created there' : errnoWords(err)}${at && at !== root ? ` (at ${at})` : ''}`);
    }
    const probe = join(root, `.moe-cusp-probe-${randomTag()}`);
    try {
      writeFileSync(probe, 'probe', { flag: 'wx' });
      unlinkSync(probe);
    } catch (err) {
      rmSync(probe, { force: true });
      refuse(`it cannot be written: ${errnoWords(err)}`);
    }
    return new OutputFolder(root, created);
  }

  /** Removes the folders prepare() created, if still empty (a run refused before writing). */
  removeIfUnused(): void {
    for (const dir of [...this.created].reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        return; // not empty: something was written
      }
    }
  }

  /** A path inside the folder from safe names, checked to resolve inside it (symbolic links too). */
  path(...names: string[]): string {
    for (const name of names) {
      if (name !== STATE_DIR && (!FILE_NAME.test(name) || name.endsWith('.') || name.includes('..'))) {
        throw new Error(`internal: refusing to write an unsafe name ${JSON.stringify(name).slice(0, 80)} under ${this.root}`);
      }
    }
    const full = resolve(this.root, ...names);
    const rel = relative(this.root, full);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`internal: ${full} is not inside ${this.root}`);
    // Existing folders on the way must not lead elsewhere (a link planted in the folder).
    let at = this.root;
    for (const name of names.slice(0, -1)) {
      at = join(at, name);
      if (existsSync(at)) {
        const real = realpathSync(at);
        const r = relative(this.real, real);
        if (r.startsWith('..') || isAbsolute(r))
          throw new WriteError(at, Object.assign(new Error('it leads outside the output folder'), { code: 'ELOOP' }));
      }
    }
    return full;
  }

  /** A subfolder (created), e.g. 'parts' or 'checkpoints'. */
  folder(...names: string[]): string {
    const dir = this.path(...names);
    try {
      makeFolders(dir);
    } catch (err) {
      throw new WriteError(dir, err);
    }
    return dir;
  }

  writeFile(names: string[], data: string | Uint8Array): string {
    if (names.length > 1) this.folder(...names.slice(0, -1));
    const path = this.path(...names);
    writeFileAtomic(path, data);
    return path;
  }

  /**
   * Checks, before any compute, that the experiment folder `id` may be replaced: missing, an
   * empty folder, or one holding a moe-cusp result.json. Anything else (a file, a folder of
   * the user's) is refused rather than deleted.
   */
  checkReplaceable(id: string): void {
    const dir = this.path(id);
    let st: Stats;
    try {
      st = lstatSync(dir);
    } catch {
      return;
    }
    const refuse = (why: string): never => {
      throw new InputError('--out', `${dir} ${why}; moe-cusp replaces only its own output folders: move it away or use another --out`);
    };
    if (st.isSymbolicLink()) refuse('is a symbolic link');
    if (!st.isDirectory()) refuse('exists and is not a folder');
    const names = readdirSync(dir);
    if (names.length > 0 && !names.includes('result.json')) refuse('exists and holds no result.json of a moe-cusp run');
  }

  /**
   * Publishes an experiment's outputs as one set: `fill` writes every file into a staging
   * folder; then the previous folder (if any) is moved aside, the new one renamed into place,
   * and the old one deleted. A failure while filling deletes the staging folder and leaves
   * the previous set untouched. Returns the published folder.
   */
  publish(id: string, fill: (put: (name: string, data: string | Uint8Array) => void) => void): string {
    this.checkReplaceable(id);
    const tag = randomTag();
    const stage = this.folder(STATE_DIR, `stage-${id}-${tag}`);
    try {
      fill((name, data) => writeFileAtomic(this.path(STATE_DIR, `stage-${id}-${tag}`, name), data));
    } catch (err) {
      rmSync(stage, { recursive: true, force: true });
      throw err;
    }
    const target = this.path(id);
    const old = this.path(STATE_DIR, `old-${id}-${tag}`);
    try {
      if (existsSync(target)) renameSync(target, old);
      renameSync(stage, target);
    } catch (err) {
      if (existsSync(old) && !existsSync(target)) renameSync(old, target);
      rmSync(stage, { recursive: true, force: true });
      throw new WriteError(target, err);
    }
    rmSync(old, { recursive: true, force: true });
    return target;
  }

  /**
   * Takes the exclusive lock `key` (an experiment id, or id-i-of-n for a shard): a lock file
   * created exclusively, holding pid, host, start time and command. A stale lock (its process
   * gone, on this host) is taken over; a live one is refused naming its holder.
   */
  lock(key: string, command: string): Lock {
    const path = this.path(STATE_DIR, `${key}.lock`);
    const start = processStart(process.pid);
    const info: LockInfo = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      ...(start !== undefined && { processStart: start }),
      command,
    };
    const body = JSON.stringify(info) + '\n';
    for (let attempt = 0; attempt < 3; attempt++) {
      this.folder(STATE_DIR);
      try {
        writeFileSync(path, body, { flag: 'wx' });
        const lock = new Lock(path, key);
        this.locks.push(lock);
        return lock;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new WriteError(path, err);
      }
      const holder = readLock(path);
      if (holder && isStale(holder)) {
        // Move the stale lock aside atomically; if what moved was not the stale one (another
        // process took it over meanwhile), put it back and report that process.
        const aside = `${path}.stale-${randomTag()}`;
        try {
          renameSync(path, aside);
        } catch {
          continue;
        }
        const moved = readLock(aside);
        if (moved && moved.pid === holder.pid && moved.startedAt === holder.startedAt) {
          rmSync(aside, { force: true });
          continue;
        }
        try {
          linkSync(aside, path);
        } catch {
          /* someone holds it again */
        }
        rmSync(aside, { force: true });
        throw new InputError('--out', `${this.path(key)}: ${describeHolder(moved, path)}; wait for it to finish`);
      }
      // A lock still being written by its creator reads as empty: give it a moment.
      if (!holder && attempt < 2) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // a synchronous 100 ms sleep
        continue;
      }
      throw new InputError(
        '--out',
        `${this.path(key)}: ${describeHolder(holder, path)}; wait for it to finish` +
          (holder && holder.host !== hostname() ? `, or delete ${path} if that run is gone` : ''),
      );
    }
    throw new InputError('--out', `${this.path(key)}: could not take the lock ${path}`);
  }

  /** Releases every lock this process took here (on exit, signal or error). */
  releaseAll(): void {
    for (const lock of this.locks) lock.release();
  }
}
