import { UplinkError, type UplinkErrorOptions } from './uplink-error.js';

/** One bad setting. `message` must never contain the setting's value when it is a secret. */
export interface ConfigurationProblem {
  /** The setting's name (option or environment variable). */
  setting: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** Settings or options are invalid. Lists every problem at once, so one fix round suffices. */
export class ConfigurationError extends UplinkError {
  static override readonly errorName: string = 'ConfigurationError';
  /** Every problem found. */
  readonly problems: ConfigurationProblem[];

  constructor(problems: ConfigurationProblem[] | string, options: UplinkErrorOptions = {}) {
    const list = typeof problems === 'string' ? [{ setting: '', message: problems }] : problems;
    const lines = list.map((p) => (p.setting ? `${p.setting}: ${p.message}` : p.message));
    super(
      list.length === 1
        ? `Invalid configuration: ${lines[0]}`
        : `Invalid configuration (${list.length} problems):\n  - ${lines.join('\n  - ')}`,
      options,
    );
    this.problems = list;
  }
}
