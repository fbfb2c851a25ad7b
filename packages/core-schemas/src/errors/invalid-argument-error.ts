import { ConfigurationError, type ConfigurationProblem } from './configuration-error.js';
import type { UplinkErrorOptions } from './uplink-error.js';

/**
 * An argument was rejected before any request was sent (an id of the wrong shape, a body that
 * does not match the wire schema). Lists every problem in `problems`, like the
 * {@link ConfigurationError} it extends.
 */
export class InvalidArgumentError extends ConfigurationError {
  static override readonly errorName: string = 'InvalidArgumentError';
  constructor(problems: ConfigurationProblem[] | string, options: UplinkErrorOptions = {}) {
    super(problems, options);
    const lines = this.problems.map((p) => (p.setting ? `${p.setting}: ${p.message}` : p.message));
    this.message =
      lines.length === 1
        ? `Invalid argument: ${lines[0]}`
        : `Invalid arguments (${lines.length} problems):\n  - ${lines.join('\n  - ')}`;
  }
}
