// Every client resolves its options the same way: an explicit option wins, then the
// environment (the `env` option, else the process's, read through readProcessEnv/firstEnv),
// then the client's default. Every problem is collected and reported at once in one
// ConfigurationError, under the name the user set (the option, or the variable that held the
// value), and no message quotes a value that may be a credential.
import { ConfigurationError, type ConfigurationProblem, redactUrl } from '@uplink/core-schemas';
import { checkTimeout, checkTransportOptions, describeKind } from './client-options.js';
import type { TransportOptions } from './http-types.js';
import { type Env, firstEnv, readProcessEnv } from './read-env.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A setting's value and the name it is reported under: the option, or the variable that held it. */
export interface PickedSetting {
  value: unknown;
  setting: string;
}

/** How {@link ClientSettings.baseUrl} finds and checks a client's base URL. */
export interface BaseUrlSetting {
  /** Environment variables read when the option is not given, first non-empty wins. */
  envNames: readonly string[];
  /** Used when neither the option nor a variable is set. @default undefined (a URL is required) */
  fallback?: string | undefined;
  /** Shown in messages as "such as <example>". @default the fallback */
  example?: string | undefined;
  /** The option's name, for messages. @default 'baseUrl' */
  option?: string | undefined;
}

/**
 * The problems found while a client resolves its options, and where its fallbacks come from.
 * Create it with the client's options, read each setting through it, then call
 * {@link ClientSettings.throwIfInvalid}.
 *
 * ```ts
 * const settings = new ClientSettings(options);
 * const baseUrl = settings.baseUrl(options.baseUrl, { envNames: ['MY_BASE_URL'], fallback: 'http://127.0.0.1:8000' });
 * settings.checkTransport(options);
 * settings.throwIfInvalid();
 * ```
 */
export class ClientSettings {
  /** Every problem so far, in the order found. */
  readonly problems: ConfigurationProblem[] = [];
  /** The `env` option when it is an object, else the process environment (`{}` where none). */
  readonly env: Env;

  constructor(options: { env?: unknown } | null | undefined) {
    const env = options?.env;
    if (env !== undefined && !isRecord(env)) {
      this.problem('env', `expected an object of strings, got ${describeKind(env)}`);
    }
    this.env = isRecord(env) ? (env as Env) : readProcessEnv();
  }

  /** Record a problem. */
  problem(setting: string, message: string): void {
    this.problems.push({ setting, message });
  }

  /**
   * An explicit option (even a wrongly typed one, to be reported under the option's name),
   * else the first non-empty variable among `envNames` (trimmed), else `undefined`.
   */
  pick(explicit: unknown, option: string, envNames: readonly string[]): PickedSetting | undefined {
    if (explicit !== undefined) return { value: explicit, setting: option };
    const found = firstEnv(this.env, envNames);
    return found && { value: found.value, setting: found.name };
  }

  /**
   * The base URL from the option, the environment or the fallback: an absolute http(s) URL
   * without user or password, trimmed and without trailing slashes. A bad or missing one is a
   * problem (reported under the option or the variable that held it); the result is then `''`.
   */
  baseUrl(explicit: unknown, spec: BaseUrlSetting): string {
    const option = spec.option ?? 'baseUrl';
    const example = spec.example ?? spec.fallback ?? 'https://api.example.com';
    const picked = this.pick(explicit, option, spec.envNames);
    if (picked === undefined) {
      if (spec.fallback !== undefined) return spec.fallback;
      this.problem(
        option,
        `missing: pass \`${option}\` or set ${spec.envNames.join(' or ')} (for example ${example})`,
      );
      return '';
    }
    const { value, setting } = picked;
    if (typeof value !== 'string') {
      this.problem(setting, `expected a URL string, got ${describeKind(value)}`);
      return '';
    }
    const text = value.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      this.problem(
        setting,
        `expected an absolute http(s) URL such as ${example}, got "${redactUrl(text.slice(0, 100))}"`,
      );
      return '';
    }
    if (parsed.username || parsed.password) {
      // fetch refuses such URLs, and its error would quote the password.
      this.problem(setting, 'expected a URL without user or password');
      return '';
    }
    return text.replace(/\/+$/, '');
  }

  /**
   * Check the settings every client takes from `TransportOptions` (timeouts, `maxResponseBytes`,
   * `retry`, `headers`, `fetch`, `logger`, `signal`), as `createHttpClient` would, so they are
   * listed with the client's own problems.
   */
  checkTransport(options: TransportOptions): void {
    checkTransportOptions(this.problems, options);
  }

  /** A duration: a positive number of milliseconds, or `undefined`. */
  duration(setting: string, value: unknown): void {
    checkTimeout(this.problems, setting, value);
  }

  /** A count: a whole number `>= min`, or `undefined`. */
  count(setting: string, value: unknown, min: number): void {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min)) {
      this.problem(
        setting,
        `expected a whole number >= ${min}, got ${typeof value === 'number' ? value : describeKind(value)}`,
      );
    }
  }

  /** Throw one {@link ConfigurationError} listing every problem, when there is any. */
  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new ConfigurationError(this.problems);
  }
}
