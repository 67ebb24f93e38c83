// How the command line reports failures: bad input (an InputError, a commander usage error)
// prints `moe-cusp: <field>: <problem>` and exits 2; anything else prints the message and
// exits 1. Help and version exit 0.

import { CommanderError } from 'commander';
import { InputError } from '../core/model.js';
import { ExitCode } from './signals.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Turns commander's own messages ("error: unknown option '--foo'") into field and problem. */
function commanderFieldProblem(err: CommanderError): { field: string; problem: string } {
  const message = err.message
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  let m = /^unknown option '([^']+)'\s*(.*)$/.exec(message);
  if (m) return { field: m[1], problem: `unknown option${m[2] ? ' ' + m[2] : ''}` };
  m = /^unknown command '([^']+)'\s*(.*)$/.exec(message);
  if (m) return { field: m[1], problem: `unknown command${m[2] ? ' ' + m[2] : ''}` };
  m = /^(?:option|argument) '([^' ]+)[^']*' (.*)$/.exec(message);
  if (m) return { field: m[1], problem: m[2] };
  m = /^too many arguments(?: for '([^']+)')?\.?\s*(.*)$/.exec(message);
  if (m) return { field: m[1] ?? 'arguments', problem: `too many arguments${m[2] ? ': ' + m[2].charAt(0).toLowerCase() + m[2].slice(1) : ''}` };
  return { field: 'usage', problem: message };
}

/** Prints what went wrong to stderr and returns the exit code. */
export function reportError(err: unknown, program = 'moe-cusp'): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    // commander already printed the help text (to stderr) for a bare `moe-cusp`
    if (err.code === 'commander.help') return EXIT_USAGE;
    if (err.code === 'commander.executeSubCommandAsync') return err.exitCode || EXIT_FAILURE;
    const { field, problem } = commanderFieldProblem(err);
    process.stderr.write(`${program}: ${field}: ${problem}\n`);
    return EXIT_USAGE;
  }
  // a stopped run: its message is printed already
  if (err instanceof ExitCode) return err.code;
  if (err instanceof InputError) {
    process.stderr.write(`${program}: ${err.field}: ${err.problem}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${program}: ${message}\n`);
  if (process.env.MOE_CUSP_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return EXIT_FAILURE;
}

/**
 * Sets the exit code and lets the process end by itself; if a handle (a GPU device, a worker)
 * still holds it after `graceMs`, exits anyway. The timer is unref'd, so it never delays a
 * process that is already free to end.
 */
export function finish(code: number, graceMs = 2000): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), graceMs).unref();
}
