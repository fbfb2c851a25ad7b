// docs/protocols/agent-sdk.md §1.6 (the streamed-run org rewrite): when a streamed run finishes,
// its record is written again under org `default`, so a read under the run's own org answers
// 403. The client remembers the org each run it streamed was created under and repeats such a
// read once as `default`.
import { PermissionDeniedError } from '@uplink/core-schemas';
import type { Logger } from '@uplink/http';

/** Runs remembered at most (the oldest is forgotten first). */
const MAX_STREAMED_RUNS = 1000;

/** The orgs of the runs a client streamed, and which of their records moved to `default`. */
export class StreamedRunOrgs {
  readonly #runs = new Map<string, { org: string | undefined; rewritten: boolean }>();
  readonly #configuredOrg: string | undefined;
  readonly #logger: () => Logger;

  constructor(configuredOrg: string | undefined, logger: () => Logger) {
    this.#configuredOrg = configuredOrg;
    this.#logger = logger;
  }

  /** Remember the org a streamed run was created under (the first time it is seen). */
  remember(runId: string, org: string | undefined): void {
    if (this.#runs.has(runId)) return;
    if (this.#runs.size >= MAX_STREAMED_RUNS) {
      this.#runs.delete(this.#runs.keys().next().value as string);
    }
    this.#runs.set(runId, { org, rewritten: false });
  }

  /** The org header for reads of `runId`: the configured org, else the org it was created under. */
  orgFor(runId: string): string | undefined {
    const run = this.#runs.get(runId);
    if (run?.rewritten) return 'default';
    return this.#configuredOrg ?? run?.org;
  }

  /**
   * A read of `runId` with the rewrite handled: a 403 on a run this client streamed under
   * another org is repeated once as org `default` (and later reads go there directly).
   */
  async read<T>(runId: string, read: (org: string | undefined) => Promise<T>): Promise<T> {
    const org = this.orgFor(runId);
    try {
      return await read(org);
    } catch (error) {
      const run = this.#runs.get(runId);
      if (
        !(error instanceof PermissionDeniedError) ||
        !run ||
        org === 'default' ||
        org === undefined
      ) {
        throw error;
      }
      run.rewritten = true;
      this.#logger().debug('run read repeated as org default', { runId, org });
      return read('default');
    }
  }
}
