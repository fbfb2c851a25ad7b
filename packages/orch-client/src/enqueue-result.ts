// docs/protocols/llama-orch.md §5.2 (AdmissionResponse, stream URLs, budget headers).
import type { AdmissionResponse } from '@uplink/core-schemas/llama-orch';
import type { Budget } from './budget-headers.js';

/** What `enqueueTask` returns: the admission plus what the headers and the client added. */
export interface EnqueueResult {
  /** The 202 body as the server sent it (wire names). */
  admission: AdmissionResponse;
  /** The task id sent (generated when the request had none). */
  taskId: string;
  /** The session id sent (generated when the request had none). */
  sessionId: string;
  /** The `X-Correlation-Id` the server echoed, else the one sent. */
  correlationId: string;
  /** The `X-Budget-*` headers of the 202, parsed as numbers. */
  budget: Budget;
  /**
   * Absolute URL of the task's event stream: `streams.sse` (or `sse_verbose` when preparation
   * steps were announced) resolved against the base URL, else the version's stream route.
   */
  streamUrl: string;
}

/** Resolve the admission's stream URL (relative in v2, absolute in upstream docs) against `baseUrl`. */
export function resolveStreamUrl(
  admission: AdmissionResponse,
  baseUrl: string,
  fallbackPath: string,
): string {
  const steps = admission.preparation?.steps ?? [];
  const preferred =
    (steps.length > 0 ? admission.streams?.sse_verbose : undefined) ?? admission.streams?.sse;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const target = preferred ?? fallbackPath;
  try {
    return new URL(target.startsWith('/') ? target.slice(1) : target, base).href;
  } catch {
    return new URL(fallbackPath.slice(1), base).href;
  }
}
