// @uplink/core-schemas in a stranger's project: a wire schema from a subpath, parsed by the root
// entry's parseWire; the error is the root's class (instanceof across subpaths holds).
import assert from 'node:assert/strict';
import {
  createApiError,
  isUplinkError,
  parseWire,
  RateLimitError,
  ResponseValidationError,
  UplinkError,
} from '@uplink/core-schemas';
import { InferenceAccessResponseSchema } from '@uplink/core-schemas/luml';

assert.deepEqual(parseWire(InferenceAccessResponseSchema, { authorized: true }, 'answer'), {
  authorized: true,
});
assert.throws(
  () => parseWire(InferenceAccessResponseSchema, { authorized: 'yes' }, 'answer'),
  (error) =>
    error instanceof ResponseValidationError &&
    error instanceof UplinkError &&
    isUplinkError(error) &&
    error.path === 'authorized',
);
const limited = createApiError('slow down', {
  status: 429,
  retryAfterMs: 2000,
  method: 'GET',
  url: 'http://h/x',
});
assert.ok(limited instanceof RateLimitError);
assert.equal(limited.retryAfterMs, 2000);
console.log('core-schemas: parseWire, schema subpath and error classes work');
