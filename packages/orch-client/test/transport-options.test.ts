import { inspect } from 'node:util';
import { ConfigurationError, RateLimitError, TimeoutError } from '@uplink/core-schemas';
import type { Logger } from '@uplink/http';
import { startFakeLlamaOrch } from '@uplink/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionRejectedError, OrchClient } from '../src/index.js';
import {
  frames,
  json,
  type ScriptedServer,
  type ScriptReply,
  type SeenRequest,
  sse,
  startScriptedServer,
} from './scripted-server.js';

// The transport settings every client accepts (timeouts, retry, fetch, logger) as OrchClient uses
// them, and the 429 hints an opted-in admission retry honours (Retry-After, X-Backoff-Ms,
// retry_after_ms).
const request = { model_ref: 'sha256:abc', engine: 'llamacpp' as const, ctx: 8192, max_tokens: 2 };
const admit = (req: SeenRequest): ScriptReply => {
  const body = JSON.parse(req.body) as { task_id: string };
  return json(202, {
    task_id: body.task_id,
    queue_position: 0,
    predicted_start_ms: 0,
    backoff_ms: 0,
  });
};
const done = sse(frames(['started', {}], ['token', { t: 'ok', i: 0 }], ['end', {}]));

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}
function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

/** Enqueue answers 429 `first` once, then admits; the stream completes. */
async function throttledOnce(first: ScriptReply): Promise<ScriptedServer> {
  let posts = 0;
  server = await startScriptedServer((req) => {
    if (req.path === '/v1/tasks') return posts++ === 0 ? first : admit(req);
    if (req.path.includes('/stream')) return done;
    return { status: 204 };
  });
  return server;
}

const envelope = (extra: Record<string, unknown> = {}) => ({
  code: 'ADMISSION_REJECT',
  message: 'queue full policies applied',
  retriable: true,
  policy_label: 'reject',
  ...extra,
});

describe('429 on enqueue', () => {
  it('is surfaced at once, whatever the retry policy, and nothing is canceled', async () => {
    const s = await throttledOnce(json(429, envelope({ retry_after_ms: 40 })));
    const client = new OrchClient({ baseUrl: s.url, retry: { maxRetries: 5 } });
    const error = await client.createCompletion(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdmissionRejectedError);
    expect(error).toMatchObject({
      code: 'ADMISSION_REJECT',
      policyLabel: 'reject',
      retryAfterMs: 40,
    });
    expect(s.requests.filter((r) => r.path === '/v1/tasks')).toHaveLength(1);
    // Refused for sure: nothing to cancel.
    expect(s.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
    await client.close();
  });

  it('admissionRetry waits out Retry-After (seconds) alone, then retries with the same task_id', async () => {
    const s = await throttledOnce(json(429, envelope(), { 'retry-after': '1' }));
    const { logger, lines } = recordingLogger();
    const client = new OrchClient({ baseUrl: s.url, logger });
    const t0 = Date.now();
    const result = await client.createCompletion(request, { admissionRetry: {} });
    expect(result.text).toBe('ok');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const retry = lines.find((l) => l.message === 'admission refused, retrying');
    expect(retry?.fields).toMatchObject({ delayMs: 1000, attempt: 1, code: 'ADMISSION_REJECT' });
    const posts = s.requests.filter((r) => r.path === '/v1/tasks');
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[1]!.body).task_id).toBe(JSON.parse(posts[0]!.body).task_id);
    await client.close();
  });

  it('admissionRetry waits out the body retry_after_ms when no header is sent', async () => {
    const s = await throttledOnce(json(429, envelope({ retry_after_ms: 40 })));
    const { logger, lines } = recordingLogger();
    const client = new OrchClient({ baseUrl: s.url, logger });
    expect((await client.createCompletion(request, { admissionRetry: {} })).text).toBe('ok');
    expect(lines.find((l) => l.message === 'admission refused, retrying')?.fields).toMatchObject({
      delayMs: 40,
    });
    await client.close();
  });

  it('admissionRetry gives up after maxRetries with the refusal carrying the hints', async () => {
    server = await startScriptedServer((req) =>
      req.path === '/v1/tasks'
        ? json(429, envelope({ retry_after_ms: 5 }), { 'x-backoff-ms': '5', 'retry-after': '0' })
        : { status: 204 },
    );
    const client = new OrchClient({ baseUrl: server.url });
    const error = await client
      .createCompletion(request, { admissionRetry: { maxRetries: 2 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'ADMISSION_REJECT', retriable: true, backoffMs: 5 });
    expect(server.requests.filter((r) => r.path === '/v1/tasks')).toHaveLength(3);
    expect(server.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
    await client.close();
  });

  it('admissionRetry stops when the caller aborts the wait, or the client closes', async () => {
    let notify: (() => void) | undefined;
    const nextRefusal = () =>
      new Promise<void>((resolve) => {
        notify = resolve;
      });
    server = await startScriptedServer((req) => {
      if (req.path !== '/v1/tasks') return { status: 204 };
      // Tell the test once the refusal is on its way, so the abort lands in the wait.
      return {
        raw: (res) => {
          res.writeHead(429, { 'content-type': 'application/json' });
          res.end(JSON.stringify(envelope({ retry_after_ms: 30_000 })), () => notify?.());
        },
      };
    });
    const client = new OrchClient({ baseUrl: server.url });
    const task = {
      ...request,
      workload: 'completion' as const,
      priority: 'interactive' as const,
      deadline_ms: 1000,
    };
    // Without the abort the 30 s hint would be waited out (and the test time out).
    const controller = new AbortController();
    let refused = nextRefusal();
    const aborted = client
      .enqueueTask(task, { admissionRetry: {}, signal: controller.signal })
      .catch((e: unknown) => e);
    await refused;
    controller.abort();
    expect(await aborted).toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);

    refused = nextRefusal();
    const closed = client.enqueueTask(task, { admissionRetry: {} }).catch((e: unknown) => e);
    await refused;
    await client.close();
    expect(await closed).toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses admissionRetry settings it cannot use, listing each', async () => {
    const client = new OrchClient({ baseUrl: 'http://127.0.0.1:9' });
    const error = await client
      .enqueueTask(
        { ...request, workload: 'completion', priority: 'interactive', deadline_ms: 1000 },
        { admissionRetry: { maxRetries: 1.5, maxDelayMs: -1 } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.setting)).toEqual([
      'admissionRetry.maxRetries',
      'admissionRetry.maxDelayMs',
    ]);
    await client.close();
  });
});

describe('timeouts', () => {
  it('timeoutMs bounds a non-streaming call', async () => {
    server = await startScriptedServer(() => ({ raw: () => {} }));
    const client = new OrchClient({ baseUrl: server.url, timeoutMs: 50, retry: false });
    const error = await client.getCapabilities().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 'attempt' });
    await client.close();
  });

  it('timeoutMs does not cut a stream that takes longer (only streamIdleTimeoutMs applies)', async () => {
    const orch = await startFakeLlamaOrch({ streamMode: 'generator', tokensPerSecond: 50 });
    const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', timeoutMs: 100 });
    try {
      const t0 = Date.now();
      const result = await client.createCompletion({ ...request, seed: 42, max_tokens: 12 });
      expect(result.tokensOut).toBe(12);
      expect(Date.now() - t0).toBeGreaterThan(150);
    } finally {
      await client.close();
      await orch.close();
    }
  });

  it('streamIdleTimeoutMs fails a silent stream with TimeoutError(idle) and cancels the task', async () => {
    server = await startScriptedServer((req) => {
      if (req.path === '/v1/tasks') return admit(req);
      if (req.path.includes('/stream')) {
        return {
          raw: (res) => {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            res.write(frames(['started', {}]));
          },
        };
      }
      return { status: 204 };
    });
    const client = new OrchClient({ baseUrl: server.url, streamIdleTimeoutMs: 80 });
    const stream = client.streamCompletion(request);
    const error = await stream.finalResult().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 'idle' });
    expect(server.requests.some((r) => r.path === `/v1/tasks/${stream.taskId}/cancel`)).toBe(true);
    await client.close();
  });
});

describe('fetch, logger and secrets', () => {
  it('uses the given fetch for every request', async () => {
    server = await startScriptedServer((req) =>
      req.path === '/v1/tasks' ? admit(req) : req.path.includes('/stream') ? done : { status: 204 },
    );
    const seen: string[] = [];
    const client = new OrchClient({
      baseUrl: server.url,
      fetch: (input, init) => {
        seen.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
    await client.createCompletion(request);
    expect(seen.map((u) => new URL(u).pathname)).toEqual([
      '/v1/tasks',
      expect.stringMatching(/^\/v1\/tasks\/[^/]+\/stream$/),
    ]);
    await client.close();
  });

  it('never writes the API key or token into logs, errors, toJSON() or util.inspect', async () => {
    const apiKey = 'sk-orch-key-0123456789';
    const token = 'tok-orch-secret-9876543210';
    server = await startScriptedServer((req) => {
      if (req.path === '/v1/capabilities') {
        // A server that echoes the credentials back in its error body.
        return json(401, { code: 'BAD_TOKEN', message: `bad key ${apiKey} and token ${token}` });
      }
      if (req.path === '/v1/tasks') return admit(req);
      if (req.path.includes('/stream'))
        return sse(frames(['started', {}], ['error', { message: `adapter saw ${token}` }]));
      return { status: 204 };
    });
    const { logger, lines } = recordingLogger();
    const client = new OrchClient({ baseUrl: server.url, apiKey, token, logger, retry: false });
    // A token function's values are scrubbed too (v2 rotates tokens this way).
    const rotating = new OrchClient({
      baseUrl: server.url,
      token: async () => token,
      retry: false,
    });
    const errors = [
      await client.getCapabilities().catch((e: unknown) => e),
      await client.createCompletion(request).catch((e: unknown) => e),
      await rotating.createCompletion(request).catch((e: unknown) => e),
    ];
    await client.close();
    await rotating.close();
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'AuthenticationError',
      'StreamError',
      'StreamError',
    ]);
    expect(server.requests[0]!.headers['x-api-key']).toBe(apiKey);
    expect(lines.length).toBeGreaterThan(0);
    const everything = JSON.stringify([
      lines,
      errors.map((e) => [
        String(e),
        (e as Error).message,
        JSON.stringify(e),
        String((e as Error).cause),
        inspect(e, { showHidden: true, depth: null }),
      ]),
    ]);
    expect(everything).not.toContain(apiKey);
    expect(everything).not.toContain(token);
  });
});
