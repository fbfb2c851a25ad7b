// docs/protocols/saturn.md §2.4 (request bodies, ids in paths, the YYYY-MM period)
import { parseArgument } from '@uplink/core-schemas';
import { isPeriod } from '@uplink/core-schemas/saturn';
import type * as v from 'valibot';
import { InvalidArgumentError } from './errors.js';

/** Check a request body against its strict wire schema; every problem at once, no values shown. */
export function checkBody<S extends v.GenericSchema>(
  schema: S,
  body: unknown,
  name: string,
): v.InferOutput<S> {
  return parseArgument(schema, body, name);
}

/** A path id: a non-empty string (SATURN's ids are UUIDs, but any string is looked up). */
export function checkId(name: string, id: unknown): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new InvalidArgumentError([
      {
        setting: name,
        message: `expected a non-empty id string, got ${id === '' ? 'an empty string' : typeof id}`,
      },
    ]);
  }
  return id;
}

/** A `YYYY-MM` period, checked before sending (SATURN would answer 400 `BAD_REQUEST`). */
export function checkPeriod(period: unknown): string {
  if (!isPeriod(period)) {
    throw new InvalidArgumentError([
      {
        setting: 'period',
        message: `expected YYYY-MM with a month from 01 to 12 (for example 2025-12), got ${typeof period === 'string' ? JSON.stringify(period.slice(0, 20)) : typeof period}`,
      },
    ]);
  }
  return period;
}

/** A page size: a positive integer. */
export function checkLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError([{ setting: 'limit', message: 'expected a positive integer' }]);
  }
  return limit;
}
