// The throughput benchmark as a script: the same as `moe-cusp bench` (src/cli/bench.ts has
// the benchmark itself; bench/ holds the entry points and the NumPy peer, and imports src/).
//
//   node dist/bench/throughput.js [--json] [--quick] [--B 64,512] [--engines webgpu,cpu,numpy]

import { Command } from 'commander';
import { addBenchFlags, benchCommand, type BenchFlags } from '../src/cli/bench.js';
import { finish, reportError } from '../src/cli/errors.js';

const program = addBenchFlags(new Command('throughput'))
  .description('moe-cusp throughput benchmark: router-steps/s of the WebGPU and CPU engines and the NumPy peer')
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .action(async (flags: BenchFlags) => {
    await benchCommand(flags);
  });
program.parseAsync(process.argv).then(
  () => finish(0),
  (err) => finish(reportError(err)),
);
