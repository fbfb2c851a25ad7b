import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Thrown for a bad command line; the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The parsed command line. */
export interface CommandLine {
  /** Positionals: the command words and their arguments. */
  args: string[];
  /** Option values, by long name. */
  flags: {
    json: boolean;
    wait: boolean;
    help: boolean;
    version: boolean;
    input?: string | undefined;
    metadata?: string | undefined;
    priority?: string | undefined;
    timeout?: string | undefined;
    interval?: string | undefined;
    config?: string | undefined;
    id?: string | undefined;
    name?: string | undefined;
    description?: string | undefined;
    endpoint?: string | undefined;
    capabilities?: string | undefined;
    type?: string | undefined;
    'base-url'?: string | undefined;
    'api-prefix'?: string | undefined;
  };
}

const STRING_OPTIONS = [
  'input',
  'metadata',
  'priority',
  'timeout',
  'interval',
  'config',
  'id',
  'name',
  'description',
  'endpoint',
  'capabilities',
  'type',
  'base-url',
  'api-prefix',
] as const;

/** Parse argv (without `node` and the script). Throws {@link UsageError} on unknown options. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        wait: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
        ...Object.fromEntries(STRING_OPTIONS.map((name) => [name, { type: 'string' as const }])),
      },
    });
    return { args: positionals, flags: values as CommandLine['flags'] };
  } catch (error) {
    // node:util names the option in its message; drop its error code prefix and stack.
    throw new UsageError((error as Error).message);
  }
}

/** Parse a JSON object option; `@path` reads the JSON from a file. */
export function jsonObjectOption(
  name: string,
  text: string | undefined,
): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(
        `--${name}: cannot read ${text.slice(1)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new UsageError(
      `--${name}: expected a JSON object, but the text is not valid JSON (${(error as Error).message})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `--${name}: expected a JSON object such as '{"amount": 50000}', received ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Parse a non-negative integer option (milliseconds, priority). */
export function integerOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(
      `--${name}: expected a whole number >= 0, received ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}
