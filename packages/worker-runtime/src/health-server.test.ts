import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { type Readiness, startHealthServer } from './health-server.js';
import { WorkerMetrics } from './metrics.js';
import { DEFAULT_SETTINGS, loadSettings } from './settings.js';
import { WorkerStateMachine } from './worker-state.js';

describe('startHealthServer', () => {
  it('serves /healthz, /readyz (200 or 503 with the reason) and /metrics', async () => {
    let readiness: Readiness = { ready: false, reason: 'not paired yet' };
    const metrics = new WorkerMetrics();
    metrics.gauges = () => ({ outboxPending: 3, state: 'running' });
    metrics.recordTask('deploy', 'done', 40);
    metrics.recordTask('deploy', 'done', 2000);
    metrics.recordTask('dep"loy', 'failed', 1);
    metrics.recordPoll(true, 5000);
    metrics.recordDelivery(7000);
    metrics.recordPoll(false);
    metrics.addInFlight(2);
    await using server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => readiness,
      metrics: () => metrics.render(),
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'healthy' });

    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', reason: 'not paired yet' });
    readiness = { ready: true };
    expect((await fetch(`${server.url}/readyz?verbose=1`)).status).toBe(200);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('uplink_worker_tasks_total{type="deploy",outcome="done"} 2');
    expect(text).toContain('uplink_worker_tasks_total{type="dep\\"loy",outcome="failed"} 1');
    expect(text).toContain('uplink_worker_task_duration_seconds_bucket{type="deploy",le="0.05"} 1');
    expect(text).toContain('uplink_worker_task_duration_seconds_bucket{type="deploy",le="2.5"} 2');
    expect(text).toContain('uplink_worker_task_duration_seconds_bucket{type="deploy",le="+Inf"} 2');
    expect(text).toContain('uplink_worker_task_duration_seconds_count{type="deploy"} 2');
    expect(text).toContain('uplink_worker_poll_errors_total 1');
    expect(text).toContain('uplink_worker_polls_total 2');
    expect(text).toContain('uplink_worker_tasks_in_flight 2');
    expect(text).toContain('uplink_worker_outbox_pending 3');
    expect(text).toContain('uplink_worker_last_poll_success_timestamp_seconds 5');
    expect(text).toContain('uplink_worker_last_delivery_timestamp_seconds 7');
    expect(text).toContain('uplink_worker_state{state="running"} 1');
    expect(metrics.taskCount('deploy', 'done')).toBe(2);
    expect(metrics.pollErrors).toBe(1);
    expect(metrics.inFlight).toBe(2);

    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    readiness = undefined as never;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(500);
    await server.close();
    await server.close();
  });
});

describe('startHealthServer bind failures', () => {
  const options = { readiness: (): Readiness => ({ ready: true }), metrics: () => '' };

  it('reports a port in use as a ConfigurationError naming LUML_HEALTH_PORT', async () => {
    await using first = await startHealthServer({ ...options, port: 0, host: '127.0.0.1' });
    const error = await startHealthServer({
      ...options,
      port: first.port,
      host: '127.0.0.1',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems[0]?.setting).toBe('LUML_HEALTH_PORT');
    expect((error as Error).message).toContain(`port ${first.port} is already in use`);
  });

  it('reports a host that is not an address of this machine as a ConfigurationError', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    const error = await startHealthServer({ ...options, port: 0, host: '192.0.2.1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems[0]?.setting).toBe('LUML_HEALTH_HOST');
  });
});

describe('the health server bind address', () => {
  it('binds 127.0.0.1 unless told otherwise; LUML_HEALTH_HOST=0.0.0.0 opts in for containers', async () => {
    await using server = await startHealthServer({
      port: 0,
      readiness: () => ({ ready: true }),
      metrics: () => '',
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';
    expect(DEFAULT_SETTINGS.healthHost).toBe('127.0.0.1');
    expect(loadSettings({ LUML_SATELLITE_TOKEN: token }).healthHost).toBe('127.0.0.1');
    const container = loadSettings({ LUML_SATELLITE_TOKEN: token, LUML_HEALTH_HOST: '0.0.0.0' });
    await using everywhere = await startHealthServer({
      port: 0,
      host: container.healthHost,
      readiness: () => ({ ready: true }),
      metrics: () => '',
    });
    expect(everywhere.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  });
});

describe('WorkerStateMachine', () => {
  it('allows the lifecycle transitions, refuses others and notifies listeners', () => {
    const machine = new WorkerStateMachine();
    const seen: string[] = [];
    const off = machine.subscribe((c) => seen.push(`${c.from}>${c.to}`));
    machine.transition('starting');
    machine.transition('running');
    expect(machine.can('idle')).toBe(false);
    expect(() => machine.transition('idle')).toThrow(/running → idle/);
    machine.transition('stopping');
    machine.transition('draining');
    off();
    machine.transition('stopped');
    expect(seen).toEqual([
      'idle>starting',
      'starting>running',
      'running>stopping',
      'stopping>draining',
    ]);
    expect(machine.state).toBe('stopped');
  });
});
