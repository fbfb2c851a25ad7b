// docs/protocols/llama-orch.md §2 (routes) and §16 (routes).

/** API generation of the server. v2 renames capabilities and the stream route. */
export type ApiVersion = 'v1' | 'v2';

/** The paths of one API version, relative to the base URL. */
export interface OrchRoutes {
  capabilities: string;
  tasks: string;
  stream(taskId: string): string;
  cancel(taskId: string): string;
  session(sessionId: string): string;
  poolHealth(poolId: string): string;
  poolDrain(poolId: string): string;
  poolReload(poolId: string): string;
}

const seg = (value: string): string => encodeURIComponent(value);

/** Build the route table for `version`; ids are percent-encoded into one path segment. */
export function routesFor(version: ApiVersion): OrchRoutes {
  const p = `/${version}`;
  return {
    capabilities: version === 'v1' ? '/v1/capabilities' : '/v2/meta/capabilities',
    tasks: `${p}/tasks`,
    stream: (id) => `${p}/tasks/${seg(id)}/${version === 'v1' ? 'stream' : 'events'}`,
    cancel: (id) => `${p}/tasks/${seg(id)}/cancel`,
    session: (id) => `${p}/sessions/${seg(id)}`,
    poolHealth: (id) => `${p}/pools/${seg(id)}/health`,
    poolDrain: (id) => `${p}/pools/${seg(id)}/drain`,
    poolReload: (id) => `${p}/pools/${seg(id)}/reload`,
  };
}
