// docs/protocols/agent-sdk.md §1.1 and §1.4: every route bare or under `/v1`.

/** Where the routes live: under `/v1` (the default) or bare (deprecated by the server). */
export type BasePath = '/v1' | '';

/** The paths of the run and session surface, relative to the base URL. */
export interface RunRoutes {
  run: string;
  runStream: string;
  getRun(runId: string): string;
  events(runId: string): string;
  replay(runId: string): string;
  sessions: string;
  session(sessionId: string): string;
  channelWebhook: string;
  deviceRegister: string;
  devicePair: string;
}

const seg = (value: string): string => encodeURIComponent(value);

/** The route table for `basePath`; ids are percent-encoded into one path segment. */
export function runRoutes(basePath: BasePath): RunRoutes {
  const p = basePath;
  return {
    run: `${p}/run`,
    runStream: `${p}/run/stream`,
    getRun: (id) => `${p}/run/${seg(id)}`,
    events: (id) => `${p}/run/${seg(id)}/events`,
    replay: (id) => `${p}/run/${seg(id)}/events/replay`,
    sessions: `${p}/sessions`,
    session: (id) => `${p}/sessions/${seg(id)}`,
    channelWebhook: `${p}/channels/webhook`,
    deviceRegister: `${p}/devices/register`,
    devicePair: `${p}/devices/pair`,
  };
}
