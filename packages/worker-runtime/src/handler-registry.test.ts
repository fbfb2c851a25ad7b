import { ConfigurationError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineHandler } from './handler.js';
import { HandlerRegistry } from './handler-registry.js';

const deployCapability = {
  deploy: {
    version: 1,
    supported_variants: ['pyfunc'],
    supported_tags_combinations: null,
    extra_fields_form_spec: [],
  },
};

describe('defineHandler and HandlerRegistry', () => {
  it('registers handlers and derives the capability map from them', () => {
    const deploy = defineHandler('deploy', {
      payload: v.looseObject({ deployment_id: v.string() }),
      capability: deployCapability,
      run: (ctx) => ({ id: ctx.payload.deployment_id }),
    });
    const monitor = defineHandler('monitor', {
      capability: { monitoring: { version: 1 } },
      run: async () => undefined,
    });
    const undeploy = defineHandler('undeploy', { run: () => ({ container_removed: true }) });
    const registry = new HandlerRegistry([deploy, monitor]).register(undeploy);
    expect(registry.types()).toEqual(['deploy', 'monitor', 'undeploy']);
    expect(registry.size).toBe(3);
    expect(registry.get('deploy')).toBe(deploy);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.capabilities()).toEqual({ ...deployCapability, monitoring: { version: 1 } });
    expect(Object.isFrozen(deploy)).toBe(true);
  });

  it('rejects a duplicate task type at startup', () => {
    const registry = new HandlerRegistry([defineHandler('deploy', { run: () => ({}) })]);
    expect(() => registry.register(defineHandler('deploy', { run: () => ({}) }))).toThrow(
      /task type "deploy" is registered twice/,
    );
  });

  it('rejects a capability declared twice', () => {
    const registry = new HandlerRegistry([
      defineHandler('deploy', { capability: deployCapability, run: () => ({}) }),
    ]);
    expect(() =>
      registry.register(
        defineHandler('deploy-v2', { capability: deployCapability, run: () => ({}) }),
      ),
    ).toThrow(/capability "deploy" of "deploy-v2" is already declared/);
  });

  it('rejects an empty map and keys the platform does not accept', () => {
    let empty: unknown;
    try {
      new HandlerRegistry([defineHandler('x', { run: () => ({}) })]).capabilities();
    } catch (error) {
      empty = error;
    }
    expect(empty).toBeInstanceOf(ConfigurationError);
    // Reported once: the schema's own complaint about the empty map would say it again.
    expect((empty as ConfigurationError).problems).toEqual([
      {
        setting: 'handlers',
        message:
          'no handler declares a capability; pairing needs at least one of "deploy" or "monitoring" (set `capability` in defineHandler)',
      },
    ]);
    const bad = new HandlerRegistry([
      defineHandler('x', { capability: { gpu: { version: 1 } } as never, run: () => ({}) }),
    ]);
    expect(() => bad.capabilities()).toThrow(/keys must be "deploy" or "monitoring"/);
  });

  it('rejects something that is not a handler', () => {
    expect(() => new HandlerRegistry([{ type: 'x' } as never])).toThrow(/defineHandler/);
  });
});
