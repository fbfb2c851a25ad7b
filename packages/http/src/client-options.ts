import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import type { HttpClientOptions } from './http-types.js';

const isPositive = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

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
        message: `expected an absolute http(s) URL such as "https://api.example.com", got "${baseUrl.slice(0, 100)}"`,
      });
    }
  }
  for (const key of ['timeoutMs', 'totalTimeoutMs'] as const) {
    const value = options?.[key];
    if (value !== undefined && !isPositive(value)) {
      problems.push({
        setting: key,
        message: `expected a positive number of milliseconds, got ${String(value)}`,
      });
    }
  }
  const retry = options?.retry;
  if (retry !== undefined && retry !== false) {
    if (typeof retry !== 'object' || retry === null) {
      problems.push({ setting: 'retry', message: 'expected retry options or false' });
    } else {
      const max = retry.maxRetries;
      if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
        problems.push({
          setting: 'retry.maxRetries',
          message: `expected a whole number >= 0, got ${String(max)}`,
        });
      }
      for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryDelayMs'] as const) {
        const value = retry[key];
        if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
          problems.push({
            setting: `retry.${key}`,
            message: `expected a number >= 0, got ${String(value)}`,
          });
        }
      }
    }
  }
  if (options?.fetch !== undefined && typeof options.fetch !== 'function') {
    problems.push({ setting: 'fetch', message: 'expected a fetch-compatible function' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}
