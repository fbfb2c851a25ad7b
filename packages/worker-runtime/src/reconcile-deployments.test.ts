import { silentLogger } from '@uplink/http';
import { createDeployment, MockPlatformClient } from '@uplink/testing';
import { describe, expect, it, vi } from 'vitest';
import { reconcileDeployments } from './reconcile-deployments.js';
import { loadSettings } from './settings.js';

describe('reconcileDeployments', () => {
  it('marks unhealthy active deployments not_responding and keeps healthy ones', async () => {
    const client = new MockPlatformClient();
    const healthy = createDeployment({
      satellite_id: client.satellite.id,
      status: 'active',
      tags: ['prod'],
    });
    const missing = createDeployment({
      satellite_id: client.satellite.id,
      status: 'active',
      inference_url: '/deployments/x',
      tags: ['keep'],
    });
    const crashing = createDeployment({ satellite_id: client.satellite.id, status: 'active' });
    const pending = createDeployment({ satellite_id: client.satellite.id, status: 'pending' });
    for (const d of [healthy, missing, crashing, pending]) client.deployments.set(d.id, d);
    const onHealthy = vi.fn();
    const check = vi.fn(async (d: { id: string }) => {
      if (d.id === crashing.id) throw new Error('connection refused');
      return d.id === missing.id
        ? {
            healthy: false as const,
            reason: 'Not Found',
            error: `Container with deployment id '${d.id}' not found`,
          }
        : { healthy: true as const };
    });
    await reconcileDeployments({ check, onHealthy })({
      client,
      logger: silentLogger,
      settings: loadSettings({ LUML_SATELLITE_TOKEN: 'dfssat_x' }),
      signal: new AbortController().signal,
    });
    expect(check).toHaveBeenCalledTimes(3);
    expect(onHealthy).toHaveBeenCalledWith(expect.objectContaining({ id: healthy.id }));
    expect(client.deployments.get(healthy.id)?.status).toBe('active');
    expect(client.deployments.get(pending.id)?.status).toBe('pending');
    expect(client.deployments.get(missing.id)).toMatchObject({
      status: 'not_responding',
      error_message: {
        reason: 'Not Found',
        error: `Container with deployment id '${missing.id}' not found`,
      },
      tags: ['keep'],
      inference_url: '/deployments/x',
    });
    expect(client.deployments.get(crashing.id)).toMatchObject({
      status: 'not_responding',
      error_message: { reason: 'Health check failed' },
    });
  });
});
