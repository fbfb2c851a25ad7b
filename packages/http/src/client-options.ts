import { ConfigurationError, type ConfigurationProblem, redactUrl } from '@uplink/core-schemas';
import type { HttpClientOptions, RequestOptions, TransportOptions } from './http-types.js';
import type { RetryOptions } from './retry-policy.js';

const isPositive = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

const show = (value: unknown): string =>
  typeof value === 'string' ? `"${value.slice(0, 100)}"` : String(value);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value's kind for a problem message (`null`, `an array`, `number`, ...), never the value. */
export function describeKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

export function checkTimeout(
  problems: ConfigurationProblem[],
  setting: string,
  value: unknown,
): void {
  if (value !== undefined && !isPositive(value)) {
    problems.push({
      setting,
      message: `expected a positive number of milliseconds, got ${show(value)}`,
    });
  }
}

function checkByteLimit(problems: ConfigurationProblem[], setting: string, value: unknown): void {
  if (value === undefined) return;
  if (
    !(
      typeof value === 'number' &&
      value > 0 &&
      (Number.isInteger(value) || value === Number.POSITIVE_INFINITY)
    )
  ) {
    problems.push({
      setting,
      message: `expected a whole number of bytes > 0 (or Infinity for no limit), got ${show(value)}`,
    });
  }
}

function checkRetry(
  problems: ConfigurationProblem[],
  retry: RetryOptions | false | undefined,
): void {
  if (retry === undefined || retry === false) return;
  if (!isRecord(retry as unknown)) {
    problems.push({
      setting: 'retry',
      message: `expected retry options or false, got ${show(retry)}`,
    });
    return;
  }
  const max = retry.maxRetries;
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
    problems.push({
      setting: 'retry.maxRetries',
      message: `expected a whole number >= 0, got ${show(max)}`,
    });
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryDelayMs'] as const) {
    const value = retry[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      problems.push({
        setting: `retry.${key}`,
        message: `expected a number >= 0, got ${show(value)}`,
      });
    }
  }
  const statuses = retry.statuses;
  if (
    statuses !== undefined &&
    !(Array.isArray(statuses) && statuses.every((s) => Number.isInteger(s) && s >= 100 && s <= 599))
  ) {
    problems.push({
      setting: 'retry.statuses',
      message: 'expected a list of HTTP statuses (100-599)',
    });
  }
}

function checkHeaders(problems: ConfigurationProblem[], headers: unknown): void {
  if (headers === undefined) return;
  if (!isRecord(headers)) {
    problems.push({
      setting: 'headers',
      message: `expected an object of header names to string values, got ${describeKind(headers)}`,
    });
    return;
  }
  for (const name in headers) {
    // The value is never shown: it may be a credential.
    if (typeof headers[name] !== 'string') {
      problems.push({
        setting: `headers.${name}`,
        message: `expected a string, got a ${typeof headers[name]}`,
      });
    }
  }
}

const isAbortSignal = (value: unknown): boolean =>
  isRecord(value) &&
  typeof value.aborted === 'boolean' &&
  typeof (value as { addEventListener?: unknown }).addEventListener === 'function';

const isLogger = (value: unknown): boolean =>
  isRecord(value) &&
  ['debug', 'info', 'warn', 'error'].every((level) => typeof value[level] === 'function');

/** The settings of a client that shape each request: timeouts, the body limit, retry, headers, fetch. */
function checkRequestShaping(problems: ConfigurationProblem[], options: TransportOptions): void {
  checkTimeout(problems, 'timeoutMs', options.timeoutMs);
  checkTimeout(problems, 'totalTimeoutMs', options.totalTimeoutMs);
  checkByteLimit(problems, 'maxResponseBytes', options.maxResponseBytes);
  checkRetry(problems, options.retry);
  checkHeaders(problems, options.headers);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    problems.push({ setting: 'fetch', message: 'expected a fetch-compatible function' });
  }
}

function checkLoggerAndSignal(problems: ConfigurationProblem[], options: TransportOptions): void {
  if (options.logger !== undefined && !isLogger(options.logger)) {
    problems.push({
      setting: 'logger',
      message: `expected an object with debug, info, warn and error methods, got ${describeKind(options.logger)}`,
    });
  }
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    problems.push({ setting: 'signal', message: 'expected an AbortSignal' });
  }
}

/**
 * The problems of the settings every client takes from {@link TransportOptions} (timeouts,
 * the body limit, retries, headers, fetch, logger, signal), appended to `problems`. Clients
 * call it while resolving their own options, so one `ConfigurationError` lists everything.
 */
export function checkTransportOptions(
  problems: ConfigurationProblem[],
  options: TransportOptions,
): void {
  checkRequestShaping(problems, options);
  checkLoggerAndSignal(problems, options);
}

/**
 * Check client options up front and report every problem at once with
 * {@link ConfigurationError}, so a typo fails at construction rather than on the first call.
 */
export function validateClientOptions(options: HttpClientOptions): void {
  const problems: ConfigurationProblem[] = [];
  const { baseUrl } = options ?? {};
  if (typeof baseUrl !== 'string' || baseUrl === '') {
    problems.push({ setting: 'baseUrl', message: 'expected an absolute http(s) URL, got nothing' });
  } else {
    let parsed: URL | undefined;
    try {
      parsed = new URL(baseUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      problems.push({
        setting: 'baseUrl',
        message: `expected an absolute http(s) URL such as "https://api.example.com", got "${redactUrl(baseUrl.slice(0, 100))}"`,
      });
    } else if (parsed.username || parsed.password) {
      // fetch refuses such URLs, and its error would quote the password.
      problems.push({
        setting: 'baseUrl',
        message: `expected a URL without credentials (got "${redactUrl(baseUrl)}"); pass them with auth: bearer(...) or header(...)`,
      });
    }
  }
  checkRequestShaping(problems, options ?? {});
  if (options?.auth !== undefined && typeof options.auth !== 'function') {
    problems.push({
      setting: 'auth',
      message: 'expected an auth strategy such as bearer(token) or header(name, value)',
    });
  }
  checkLoggerAndSignal(problems, options ?? {});
  if (options?.userAgent !== undefined && typeof options.userAgent !== 'string') {
    problems.push({
      setting: 'userAgent',
      message: `expected a string, got ${show(options.userAgent)}`,
    });
  }
  const sdk = options?.sdk as unknown;
  if (
    sdk !== undefined &&
    !(isRecord(sdk) && typeof sdk.name === 'string' && typeof sdk.version === 'string')
  ) {
    problems.push({ setting: 'sdk', message: 'expected { name: string, version: string }' });
  }
  const secrets = options?.secrets as unknown;
  if (
    secrets !== undefined &&
    !(Array.isArray(secrets) && secrets.every((s) => typeof s === 'string'))
  ) {
    problems.push({ setting: 'secrets', message: 'expected a list of strings' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}

/**
 * Check the settings of one call that would otherwise misbehave quietly (a `NaN` timeout fires
 * at once; a negative delay retries in a tight loop). Only called when the call sets them.
 */
export function validateRequestOptions(options: RequestOptions): void {
  const problems: ConfigurationProblem[] = [];
  checkTimeout(problems, 'timeoutMs', options.timeoutMs);
  checkByteLimit(problems, 'maxResponseBytes', options.maxResponseBytes);
  checkRetry(problems, options.retry);
  checkHeaders(problems, options.headers);
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    problems.push({ setting: 'signal', message: 'expected an AbortSignal' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}
