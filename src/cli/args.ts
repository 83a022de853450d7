/**
 * Argument parsing for every command, by node:util parseArgs (strict): unknown flags, missing or ambiguous values
 * (`--name --role admin`) are usage errors (exit 2) instead of being taken as values; `-h`/`--help` is everywhere.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  /** `mailtrail <command> ...` line shown on errors and first in --help. */
  usage: string;
  /** The rest of --help: what the command does and its options. */
  help: string;
  options?: OptionSpecs;
  /** Largest number of positional arguments (default none). */
  maxPositionals?: number;
  minPositionals?: number;
  /** Further checks of the values (allowed choices, either-or): a message makes it a usage error. */
  check?: (parsed: Parsed) => string | null;
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/** Parses args for a command; null means help was asked for (the caller prints it and exits 0). */
export function parseCommand(spec: CommandSpec, args: string[]): Parsed | null {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as Parsed;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\n/g, ' '), spec.usage);
  }
  if (parsed.values.help) return null;
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`, spec.usage);
  }
  if (parsed.positionals.length < (spec.minPositionals ?? 0)) throw new UsageError('missing argument', spec.usage);
  const problem = spec.check?.(parsed);
  if (problem) throw new UsageError(problem, spec.usage);
  return parsed;
}

export function helpText(spec: CommandSpec): string {
  return `usage: ${spec.usage}\n\n${spec.help.trimEnd()}\n`;
}
