// docs/protocols/ai-spine.md §3 (500-wrapped validation errors) and §4.7.
import {
  type ApiError,
  type ApiErrorInit,
  apiErrorInit,
  InternalServerError,
} from '@uplink/core-schemas';
import { ServerValidationError } from './errors.js';

/** The fields of `error`, with the original as the cause, to build a more specific subclass. */
export function initFrom(error: ApiError): ApiErrorInit {
  return { ...apiErrorInit(error), cause: error };
}

function detailText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const detail = (body as { detail?: unknown }).detail;
  return typeof detail === 'string' ? detail : undefined;
}

// A Python KeyError printed as text: the missing key in single quotes, nothing else.
const KEY_ERROR = /^'([^'\n]{1,100})'$/;
// pydantic's multi-line message: "1 validation error for AgentInfo\nagent_type\n  Input should be ...".
const PYDANTIC = /\d+ validation errors? for \w+\s*\n([^\n]+)\n\s*([^\n[]+)/;

/**
 * Turn a 500 whose `detail` is really a validation failure into a {@link ServerValidationError}
 * with a message that says what to fix. Anything else is returned unchanged.
 */
export function recogniseWrappedValidation(error: unknown): unknown {
  if (!(error instanceof InternalServerError) || error.status !== 500) return error;
  const detail = detailText(error.body)?.trim();
  if (!detail) return error;
  const key = KEY_ERROR.exec(detail);
  if (key) {
    return new ServerValidationError(
      `The server rejected the request: required field "${key[1]}" is missing (HTTP 500 wrapping a validation error)`,
      { ...initFrom(error), field: key[1] },
    );
  }
  const pydantic = PYDANTIC.exec(detail);
  if (pydantic) {
    const field = pydantic[1]?.trim();
    const problem = pydantic[2]?.trim();
    return new ServerValidationError(
      `The server rejected the request: invalid "${field}": ${problem} (HTTP 500 wrapping a validation error)`,
      { ...initFrom(error), field },
    );
  }
  return error;
}
