// One run of EVENTS agent-sdk events as the real server writes them: data-only SSE, Python's
// spaced JSON. Shared by the bench's server and its in-memory figures.
export const EVENTS = 50_000;
export const RUN_ID = 'run_5f0c2a7e9b1d4c6f8a0e3b5d7c9f1a2b';

/** One run of EVENTS events as the real server writes them: data-only SSE, Python's spaced JSON. */
export function runBody(): string {
  const spaced = (value: unknown): string =>
    JSON.stringify(value).replace(/","/g, '", "').replace(/":/g, '": ');
  const base = { run_id: RUN_ID, session_id: 'sess_81ad3f5b7c9e1d2a4b6c8e0f2a4c6e8b' };
  const lines: string[] = [];
  for (let seq = 0; seq < EVENTS; seq++) {
    const last = seq === EVENTS - 1;
    const event =
      seq === 0
        ? {
            ...base,
            stream: 'lifecycle',
            event: 'start',
            payload: { task: 'bench' },
            timestamp: '2026-02-12T10:00:00.120311+00:00',
            seq,
            status: 'running',
            metadata: { org_id: 'default' },
          }
        : last
          ? {
              ...base,
              stream: 'lifecycle',
              event: 'end',
              payload: { status: 'completed' },
              timestamp: '2026-02-12T10:00:00.120311+00:00',
              seq,
              status: 'completed',
              metadata: { org_id: 'default' },
            }
          : {
              ...base,
              stream: 'assistant',
              event: 'message',
              payload: {
                id: `m-${seq}`,
                role: 'agent',
                content: `Step ${seq}: the agent thinks about the open incidents.`,
                metadata: { type: 'execution_step' },
              },
              timestamp: '2026-02-12T10:00:00.120311+00:00',
              seq,
              metadata: { org_id: 'default' },
            };
    lines.push(`data: ${spaced(event)}\n\n`);
  }
  return lines.join('');
}
