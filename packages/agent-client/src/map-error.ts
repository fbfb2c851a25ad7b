// docs/protocols/saturn.md §2.1 (plain FastAPI bodies), §2.2 (codes; 500 for bad credentials),
// §2.3 (who may call what) and §2.6 (the detached-row defect)
import { ApiError, type ApiErrorInit, apiErrorInit, createApiError } from '@uplink/core-schemas';
import {
  ErrorEnvelopeSchema,
  PlainErrorSchema,
  roleHasPermission,
  SATURN_ROLE_PERMISSIONS,
  type ValidationIssue,
} from '@uplink/core-schemas/saturn';
import * as v from 'valibot';
import { type CredentialFacts, jwtProblem } from './credential.js';
import { type InternalErrorCause, SaturnInternalError } from './errors.js';
import type { Operation } from './operations.js';

/** What the client knew when the call failed. */
export interface ErrorContext {
  operation: Operation;
  credential: CredentialFacts;
  apiPrefix: string;
  nowMs: number;
  /** The `X-Request-Id` the client sent: the request's id when the server echoed none. */
  sentRequestId: string;
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

const issueText = (issue: ValidationIssue): string =>
  `${issue.loc.map(String).join('.')}: ${issue.msg}`;

/** Who may call the route, in words (`admin only`, `admin and operator`). */
function whoHas(permission: string): string {
  const roles = Object.keys(SATURN_ROLE_PERMISSIONS).filter((role) =>
    roleHasPermission(role, permission),
  );
  return roles.length === 1 ? `${roles[0]} only` : roles.join(' and ');
}

function unauthorizedHint(ctx: ErrorContext): string {
  const { operation, credential } = ctx;
  if (credential.kind === 'none') {
    return 'no credential was sent: pass `token` (or set SATURN_API_KEY or SATURN_TOKEN)';
  }
  if (operation.credential === 'jwt' && credential.kind === 'api_key') {
    return `${operation.name} takes a user JWT only; SATURN refuses sk_ API keys on its management routes`;
  }
  if (operation.credential === 'api_key' && credential.kind === 'jwt') {
    return `${operation.name} takes an sk_ API key only; SATURN refuses JWTs on GET /auth/api-key`;
  }
  return 'the credential was not accepted';
}

function forbiddenHint(code: string | undefined, ctx: ErrorContext): string {
  const { operation, credential } = ctx;
  if (code === 'TOOL_NOT_ALLOWED') {
    return 'the tool does not exist in this company or is disabled (SATURN says TOOL_NOT_ALLOWED, not 404, for an unknown tool)';
  }
  const permission = operation.permission;
  if (!permission) return 'the credential is not allowed here';
  if (credential.kind === 'api_key') {
    return `the API key's scopes lack ${permission} (or *)`;
  }
  const role = credential.claims?.role;
  const roleName = typeof role === 'string' && role !== '' ? `role "${role}"` : 'the viewer role';
  return `${roleName} lacks ${permission} (${whoHas(permission)})`;
}

/** The explanation of a 500 `INTERNAL_ERROR`, and what it says about causes and effects. */
function internalError(ctx: ErrorContext): {
  hint: string;
  causes: InternalErrorCause[];
  mayHaveApplied: boolean;
} {
  const { operation, credential } = ctx;
  const parts: string[] = [];
  const causes: InternalErrorCause[] = [];
  const seen = credential.kind === 'jwt' ? jwtProblem(credential.claims, ctx.nowMs) : undefined;
  if (seen) {
    causes.push('credential');
    parts.push(
      `${seen}; SATURN answers a bad credential with 500 INTERNAL_ERROR, not 401 (it checks credentials in a middleware)`,
    );
  } else if (credential.kind !== 'none' && !credential.proven) {
    causes.push('credential');
    const what =
      credential.kind === 'api_key'
        ? 'an unknown or revoked sk_ API key'
        : 'a JWT that is expired, signed with another secret or lacks company_id';
    parts.push(
      `possibly a bad credential: SATURN answers ${what} with 500 INTERNAL_ERROR, not 401 (no call with this credential has succeeded yet)`,
    );
  }
  const defect = operation.defect;
  if (defect && !seen) {
    causes.push('server-defect');
    const why = `${operation.name} fails on SATURN e401c5e because of a server defect (it reads database rows after closing their session)`;
    parts.push(
      defect.effect
        ? `${why}, yet its write takes effect: ${defect.effect}. Check before repeating it; retrying gives the same 500`
        : `${why} ${defect.when ?? ''}; retrying gives the same 500`,
    );
  }
  if (parts.length === 0) parts.push('the server failed; its logs have the cause');
  return {
    hint: parts.join('. '),
    causes,
    mayHaveApplied: causes.includes('server-defect') && defect?.effect !== undefined,
  };
}

/**
 * Turn what the transport threw into the SATURN-aware error: the class of the status with
 * `code`, `details` and `requestId` from the envelope, a message that says what to do, plain
 * FastAPI 404/405/422 bodies explained, and a 500 `INTERNAL_ERROR` as {@link SaturnInternalError}
 * naming its likely causes. Anything that is not an `ApiError` is returned unchanged.
 */
export function mapSaturnError(error: unknown, ctx: ErrorContext): unknown {
  if (!(error instanceof ApiError) || error instanceof SaturnInternalError) return error;
  const where = `${error.method ?? ''} ${pathOf(error.url)}`.trim();
  const init: ApiErrorInit = { ...apiErrorInit(error), cause: error };
  init.requestId ??= ctx.sentRequestId;
  const requestPart = ` (request id ${init.requestId})`;
  const envelope = v.safeParse(ErrorEnvelopeSchema, error.body);
  if (envelope.success) {
    const { code, message, details } = envelope.output.error;
    init.code = code;
    init.details = details;
    init.requestId = envelope.output.meta?.request_id ?? init.requestId;
    const head = `SATURN ${error.status} ${code} on ${where}: ${message}`;
    const tail = ` (request id ${init.requestId})`;
    if (error.status === 500 && code === 'INTERNAL_ERROR') {
      const { hint, causes, mayHaveApplied } = internalError(ctx);
      return new SaturnInternalError(`${head}. ${hint}${tail}`, {
        ...init,
        possibleCauses: causes,
        mayHaveApplied,
      });
    }
    let hint = '';
    if (error.status === 401) hint = unauthorizedHint(ctx);
    else if (error.status === 403) hint = forbiddenHint(code, ctx);
    else if (code === 'KB_INDEXING_FAILED' && message === 'Document not found') {
      hint = 'SATURN reports an unknown document this way, not as 404';
    } else if (code === 'KB_INDEXING_FAILED' && message === 'Empty document') {
      hint = 'the content has no text; the document is stored with status failed';
    }
    return createApiError(`${head}${hint ? `. ${hint}` : ''}${tail}`, init);
  }
  const plain = v.safeParse(PlainErrorSchema, error.body);
  if (plain.success) {
    const { detail } = plain.output;
    let message: string;
    if (error.status === 422 && Array.isArray(detail)) {
      message = `SATURN 422 on ${where}: the request failed validation: ${detail.map(issueText).join('; ')}`;
    } else if (error.status === 404) {
      message =
        ctx.apiPrefix === ''
          ? `SATURN 404 on ${where}: this server has no such route (the /sessions, /api-keys and streaming routes of SATURN's API document are not implemented)`
          : `SATURN 404 on ${where}: no route under ${ctx.apiPrefix}. SATURN mounts its routes at the root; its API document's /api/v1 prefix is not served, so set apiPrefix: '' unless a proxy adds it`;
    } else if (error.status === 405) {
      message = `SATURN 405 on ${where}: this path does not accept ${error.method ?? 'this method'}`;
    } else {
      message = `SATURN ${error.status} on ${where}: ${typeof detail === 'string' ? detail : detail.map(issueText).join('; ')}`;
    }
    return createApiError(`${message}${requestPart}`, init);
  }
  // Not SATURN's body (a proxy's page, say): the transport's message, with the request id.
  return createApiError(`${error.message}${requestPart}`, init);
}
