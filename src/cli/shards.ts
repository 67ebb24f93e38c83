// The shard a process runs, from --shard i/n or from a batch scheduler's array index.

import { InputError } from '../core/model.js';
import type { Shard } from '../experiments/run.js';

/**
 * The shard of this process: --shard i/n, or --shards n with the index from a batch
 * scheduler (Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX; Slurm job arrays:
 * SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN).
 */
export function resolveShard(shardFlag: string | undefined, shardsFlag: string | undefined, env = process.env): Shard | undefined {
  if (shardFlag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardFlag.trim());
    const shard = m && { index: Number(m[1]), count: Number(m[2]) };
    if (!shard || shard.count < 1 || shard.index >= shard.count || shard.count > 1_000_000) {
      throw new InputError('--shard', `must be i/n with 0 <= i < n <= 1000000, got ${JSON.stringify(shardFlag)}`);
    }
    if (shardsFlag !== undefined && Number(shardsFlag) !== shard.count) throw new InputError('--shards', `contradicts --shard ${shardFlag}`);
    return shard;
  }
  if (shardsFlag === undefined) return undefined;
  const count = Number(shardsFlag);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
    throw new InputError('--shards', `must be an integer in [1, 1000000], got ${JSON.stringify(shardsFlag)}`);
  // An empty or non-integer variable is an error naming it, never silently shard 0.
  const integerVar = (name: string): number => {
    const raw = env[name]!;
    if (!/^\s*\d{1,9}\s*$/.test(raw)) {
      throw new InputError(name, `must be a non-negative integer, got ${raw.trim() === '' ? 'an empty value' : JSON.stringify(raw.slice(0, 40))}`);
    }
    return Number(raw);
  };
  const sources: [string, number][] = [];
  if (env.JOB_COMPLETION_INDEX !== undefined) sources.push(['JOB_COMPLETION_INDEX', integerVar('JOB_COMPLETION_INDEX')]);
  else if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : integerVar('SLURM_ARRAY_TASK_MIN');
    sources.push(['SLURM_ARRAY_TASK_ID', integerVar('SLURM_ARRAY_TASK_ID') - min]);
  }
  if (sources.length === 0) {
    throw new InputError('--shards', 'needs --shard i/n, or the shard index in JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)');
  }
  const [name, index] = sources[0];
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new InputError(name, `gives shard index ${index}, must be an integer in [0, ${count - 1}] for --shards ${count}`);
  }
  return { index, count };
}
