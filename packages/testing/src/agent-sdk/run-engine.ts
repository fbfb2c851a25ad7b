// docs/protocols/agent-sdk.md §1.5-§1.8 and §1.12: how each kind of run creates its records
// and emits its events. The mock model returns every message at once after it ran; the fake
// paces events with `runDelayMs` and `messageDelayMs`.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeAgentMessage } from './options.js';
import { pyIsoNow } from './py-json.js';
import { appendEvent } from './run-store.js';
import type {
  FakeAgentSdkState,
  FakeEnvelope,
  FakeRun,
  FakeRunKind,
  FakeRunRecord,
  FakeSessionRecord,
} from './state.js';

/** `run_<32 hex>`. */
export const newRunId = (): string => `run_${randomBytes(16).toString('hex')}`;
/** `sess_<32 hex>`. */
export const newSessionId = (): string => `sess_${randomBytes(16).toString('hex')}`;

/** The mock model: a plan, then one execution step (§1.12: role `agent`, several messages). */
export function defaultRespond(task: string): FakeAgentMessage[] {
  const plan = JSON.stringify(
    { task, steps: [{ id: 1, description: task, tool: null, inputs: {}, notes: null }] },
    null,
    2,
  );
  return [
    { content: plan, metadata: { type: 'plan' } },
    {
      content: `Step 1: ${task}\nResult: [mock] ${task}`,
      metadata: { type: 'execution_step', step_id: 1, tool: null, success: true },
    },
  ];
}

/** Count runs and sessions per org, for quotas. */
function usageOf(state: FakeAgentSdkState, orgId: string): { runs: number; sessions: number } {
  let usage = state.usage.get(orgId);
  if (!usage) {
    usage = { runs: 0, sessions: 0 };
    state.usage.set(orgId, usage);
  }
  return usage;
}

/** `check_quota(org, new_session=True, new_run=True)`: the reason when refused. */
export function quotaRefusal(state: FakeAgentSdkState, orgId: string): string | undefined {
  const limits = state.quotas[orgId];
  if (!limits) return undefined;
  const usage = usageOf(state, orgId);
  if (limits.maxRuns !== undefined && usage.runs >= limits.maxRuns) return 'org_run_quota_exceeded';
  if (limits.maxSessions !== undefined && usage.sessions >= limits.maxSessions) {
    return 'org_session_quota_exceeded';
  }
  return undefined;
}

/** Create (or, for a known id, return) a session. */
export function ensureSession(
  state: FakeAgentSdkState,
  sessionId: string | undefined,
  orgId: string,
): FakeSessionRecord {
  const known = sessionId === undefined ? undefined : state.sessions.get(sessionId);
  if (known) return known;
  const now = pyIsoNow(state.settings.now);
  const session: FakeSessionRecord = {
    session_id: sessionId ?? newSessionId(),
    org_id: orgId,
    user_id: null,
    created_at: now,
    updated_at: now,
    tags: {},
    metadata: {},
  };
  state.sessions.set(session.session_id, session);
  usageOf(state, orgId).sessions++;
  return session;
}

/** What a new run starts with. */
export interface NewRun {
  kind: FakeRunKind;
  task: string;
  sessionId: string;
  orgId: string;
  model: string | null;
  tags: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** `storage.create_run(...)` with status `running`. */
export function createRun(state: FakeAgentSdkState, init: NewRun): FakeRun {
  const record: FakeRunRecord = {
    run_id: newRunId(),
    session_id: init.sessionId,
    agent_id: 'planner-executor',
    org_id: init.orgId,
    status: 'running',
    model: init.model,
    created_at: pyIsoNow(state.settings.now),
    started_at: null,
    ended_at: null,
    tags: init.tags,
    metadata: init.metadata,
  };
  const run: FakeRun = {
    record,
    kind: init.kind,
    task: init.task,
    inStore: false,
    history: [],
    queue: undefined,
    sseResponses: 0,
    cuts: 0,
    flush: () => {},
    done: Promise.resolve(),
  };
  state.runs.set(record.run_id, run);
  usageOf(state, init.orgId).runs++;
  return run;
}

/**
 * `storage.update_run(RunMetadata(...))`: every field is rewritten, so `created_at` is re-stamped
 * and `started_at`/`ended_at` stay null. `orgId` undefined is the streamed-run rewrite to
 * `"default"` (§1.6).
 */
export function finishRecord(
  state: FakeAgentSdkState,
  run: FakeRun,
  status: string,
  change: { orgId?: string | undefined; tokenCount?: number | undefined },
): void {
  const previous = run.record;
  const metadata =
    change.tokenCount === undefined
      ? previous.metadata
      : { ...previous.metadata, token_count: change.tokenCount };
  run.record = {
    run_id: previous.run_id,
    session_id: previous.session_id,
    agent_id: previous.agent_id,
    org_id: change.orgId ?? 'default',
    status,
    model: previous.model,
    created_at: pyIsoNow(state.settings.now),
    started_at: null,
    ended_at: null,
    tags: previous.tags,
    metadata,
  };
}

/** `TokenCounter.count_tokens`: about four characters per token, at least one. */
export const countTokens = (text: string): number => Math.max(1, Math.floor(text.length / 4));

/** The messages (or the failure) the model produces for `task`. */
export interface ModelOutcome {
  messages: { id: string; role: string; content: string; metadata: Record<string, unknown> }[];
  error: string | undefined;
}

/** Run the fake model on `task` (ids, run metadata attached as the runtime does). */
export function runModel(state: FakeAgentSdkState, run: FakeRun): ModelOutcome {
  const error = state.settings.failTask?.(run.task);
  if (error !== undefined) return { messages: [], error };
  const messages = state.settings.respond(run.task).map((message) => ({
    id: randomUUID(),
    role: 'agent',
    content: message.content,
    metadata: {
      type: 'execution_step',
      ...message.metadata,
      session_id: run.record.session_id,
      run_id: run.record.run_id,
    },
  }));
  return { messages, error: undefined };
}

/** One envelope of `run`, with the org in `metadata`. */
function envelope(
  state: FakeAgentSdkState,
  run: FakeRun,
  orgId: string,
  parts: Pick<FakeEnvelope, 'stream' | 'event' | 'payload'> & { seq: number; status?: string },
): FakeEnvelope {
  const out: FakeEnvelope = {
    run_id: run.record.run_id,
    session_id: run.record.session_id,
    stream: parts.stream,
    event: parts.event,
    payload: parts.payload,
    timestamp: pyIsoNow(state.settings.now),
    seq: parts.seq,
  };
  if (parts.status !== undefined) out.status = parts.status;
  out.metadata = { org_id: orgId };
  return out;
}

/** An assistant message envelope, in the server's spelling or the contract fixture's. */
function messageEnvelope(
  state: FakeAgentSdkState,
  run: FakeRun,
  orgId: string,
  seq: number,
  message: ModelOutcome['messages'][number],
): FakeEnvelope {
  if (state.settings.fixtureSpelling) {
    return envelope(state, run, orgId, {
      stream: 'assistant',
      event: 'assistant.message',
      payload: { text: message.content },
      seq,
      status: 'running',
    });
  }
  return envelope(state, run, orgId, {
    stream: 'assistant',
    event: 'message',
    payload: {
      id: message.id,
      role: message.role,
      content: message.content,
      metadata: message.metadata,
    },
    seq,
  });
}

/** How an emitting run ends its record. */
export interface EmitOptions {
  /** `lifecycle/start` payload. */
  startPayload: Record<string, unknown>;
  /** The org written into each event's metadata. */
  eventOrgId: string;
  /** The org the finished record keeps; `undefined` rewrites it to `default` (streamed runs). */
  recordOrgId: string | undefined;
  /** Add `token_count` to the record's metadata on completion (HTTP runs). */
  countTokens: boolean;
  /**
   * How a model failure shows: a `lifecycle/error` event and an `error` record (streamed and
   * gateway runs), or nothing after seq 0, the record left `running` (channel runs, whose
   * handler lets the exception escape).
   */
  failure: 'event' | 'raise';
}

/**
 * Append seq 0 now, then (after `runDelayMs`) the model's messages `messageDelayMs` apart, then
 * `end` (or `error`), then finish the record. `run.flush()` emits everything left at once.
 */
export function emitRun(
  state: FakeAgentSdkState,
  run: FakeRun,
  options: EmitOptions,
): ModelOutcome {
  const settings = state.settings;
  const org = options.eventOrgId;
  appendEvent(
    run,
    envelope(state, run, org, {
      stream: 'lifecycle',
      event: 'start',
      payload: options.startPayload,
      seq: 0,
      status: 'running',
    }),
    settings,
  );
  const steps: (() => void)[] = [];
  const outcome = runModel(state, run);
  let seq = 1;
  for (const message of outcome.messages) {
    const at = seq++;
    steps.push(() => appendEvent(run, messageEnvelope(state, run, org, at, message), settings));
  }
  const last = seq;
  steps.push(() => {
    if (outcome.error !== undefined && options.failure === 'raise') return;
    if (outcome.error !== undefined) {
      appendEvent(
        run,
        envelope(state, run, org, {
          stream: 'lifecycle',
          event: 'error',
          payload: { error: outcome.error },
          seq: last,
          status: 'error',
        }),
        settings,
      );
      finishRecord(state, run, 'error', { orgId: options.recordOrgId });
      return;
    }
    appendEvent(
      run,
      envelope(state, run, org, {
        stream: 'lifecycle',
        event: 'end',
        payload: { status: 'completed' },
        seq: last,
        status: 'completed',
      }),
      settings,
    );
    const tokens = outcome.messages.reduce((sum, m) => sum + countTokens(m.content), 0);
    finishRecord(state, run, 'completed', {
      orgId: options.recordOrgId,
      tokenCount: options.countTokens ? tokens : undefined,
    });
  });
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveDone!: () => void;
  run.done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const step = (): void => {
    timer = undefined;
    steps[next++]?.();
    if (next >= steps.length) resolveDone();
    else timer = setTimeout(step, settings.messageDelayMs);
  };
  run.flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (next < steps.length) steps[next++]?.();
    resolveDone();
  };
  timer = setTimeout(step, settings.runDelayMs);
  return outcome;
}
