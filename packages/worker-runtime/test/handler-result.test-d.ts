// Type tests, checked by `pnpm typecheck` (tsconfig.tests.json): a handler's result must be a
// JSON object (or nothing), at compile time. Each `@ts-expect-error` line fails the check if a
// non-JSON result starts to type-check; each other line fails if a JSON one stops to.
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import { defineHandler, type Handler, type JsonObject } from '../src/index.js';

interface DeployResult {
  inference_url: string;
  replicas?: number;
  tags: readonly string[];
  health: { ok: boolean; checked_at: string | null };
}

export const accepted: Handler[] = [
  defineHandler('literal', { run: () => ({ a: 1, b: 'x', c: [1, 2], d: { e: null } }) }),
  defineHandler('interface', {
    payload: v.object({ id: v.string() }),
    run: async (ctx): Promise<DeployResult> => ({
      inference_url: `/d/${ctx.payload.id}`,
      tags: [],
      health: { ok: true, checked_at: null },
    }),
  }),
  defineHandler('nothing', { run: () => {} }),
  defineHandler('undefined', { run: async () => undefined }),
  defineHandler('sometimes', {
    run: async (ctx) => (ctx.signal.aborted ? undefined : { first: true }),
  }),
  defineHandler('json-object', { run: (): JsonObject => ({ nested: [{ x: [true] }] }) }),
];

export function theContextIsStillTyped(): void {
  defineHandler('typed', {
    payload: v.object({ deployment_id: v.string() }),
    run: (ctx) => {
      expectTypeOf(ctx.payload.deployment_id).toBeString();
      return { id: ctx.payload.deployment_id };
    },
  });
}

export function refused(): void {
  // @ts-expect-error a Date is not JSON (send date.toISOString())
  defineHandler('date', { run: () => ({ at: new Date() }) });
  // @ts-expect-error a function is not JSON
  defineHandler('function', { run: () => ({ callback: () => 1 }) });
  // @ts-expect-error a Map is not JSON
  defineHandler('map', { run: async () => ({ m: new Map<string, number>() }) });
  // @ts-expect-error a Set is not JSON
  defineHandler('set', { run: () => ({ s: new Set([1]) }) });
  // @ts-expect-error undefined inside an object is not JSON
  defineHandler('undefined-inside', { run: () => ({ u: undefined as string | undefined }) });
  // @ts-expect-error deep inside, too
  defineHandler('deep', { run: () => ({ a: { b: [{ c: new Date() }] } }) });
  // @ts-expect-error a bigint is not JSON
  defineHandler('bigint', { run: () => ({ n: 10n }) });
  // @ts-expect-error a class instance with methods is not JSON
  defineHandler('instance', { run: () => ({ url: new URL('http://x') }) });
  // @ts-expect-error the result must be an object, not an array
  defineHandler('array', { run: () => [1, 2] });
  // @ts-expect-error the result must be an object, not a string
  defineHandler('string', { run: async () => 'done' });
  // @ts-expect-error unknown values might be anything
  defineHandler('unknown', { run: () => ({}) as Record<string, unknown> });
  // @ts-expect-error a hand-built handler is checked too
  const manual: Handler = { type: 'manual', run: () => ({ at: new Date() }) };
  void manual;
}
