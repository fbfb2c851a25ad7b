// docs/protocols/luml.md §4.1–§4.7 (request bodies): the checks PlatformClient makes before sending
import { ConfigurationError } from '@uplink/core-schemas';
import {
  DeploymentStatusSchema,
  DeploymentUpdateSchema,
  PairRequestSchema,
  TaskStatusSchema,
} from '@uplink/core-schemas/luml';
import type { PairOptions } from '@uplink/platform-client';

/** A schema as Standard Schema exposes it (valibot schemas do; this package does not import valibot). */
interface Checkable {
  readonly '~standard': {
    validate(value: unknown): unknown;
  };
}

interface StandardIssue {
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[] | undefined;
}

/** Validate synchronously; a failure is a {@link ConfigurationError} naming `setting.<path>`. */
function check(schema: Checkable, value: unknown, setting: string): void {
  const result = schema['~standard'].validate(value) as { issues?: readonly StandardIssue[] };
  if (!result.issues) return;
  throw new ConfigurationError(
    result.issues.map((issue) => {
      const path = (issue.path ?? [])
        .map((part) => String(typeof part === 'object' ? part.key : part))
        .join('.');
      return { setting: path ? `${setting}.${path}` : setting, message: issue.message };
    }),
  );
}

const is = (schema: Checkable, value: unknown): boolean =>
  !(schema['~standard'].validate(value) as { issues?: unknown }).issues;

/** `pair`: an http(s) base URL and a non-empty map keyed by `deploy`/`monitoring`. */
export function checkPair(options: PairOptions): void {
  if (typeof options?.baseUrl !== 'string')
    throw new ConfigurationError([
      { setting: 'pair.base_url', message: 'expected a URL string, got something else' },
    ]);
  const body = {
    base_url: options.baseUrl.trim().replace(/\/+$/u, ''),
    capabilities: options.capabilities,
    ...(options.slug === undefined ? {} : { slug: options.slug }),
  };
  check(PairRequestSchema, body, 'pair');
}

/** A task status: `done`, not `completed`. */
export function checkTaskStatus(status: unknown): void {
  if (!is(TaskStatusSchema, status))
    throw new ConfigurationError([
      {
        setting: 'status',
        message: `expected one of ${TaskStatusSchema.options.join(', ')} ("done", not "completed"), got "${String(status)}"`,
      },
    ]);
}

/** A task result: an object, null or nothing (the wire body's `result`). */
export function checkTaskResult(result: unknown): void {
  if (
    result !== undefined &&
    result !== null &&
    (typeof result !== 'object' || Array.isArray(result))
  )
    throw new ConfigurationError([
      { setting: 'result', message: 'expected an object, null or nothing' },
    ]);
}

/** A deployment status. */
export function checkDeploymentStatus(status: unknown): void {
  if (!is(DeploymentStatusSchema, status))
    throw new ConfigurationError([
      {
        setting: 'status',
        message: `expected one of ${DeploymentStatusSchema.options.join(', ')}, got "${String(status)}"`,
      },
    ]);
}

/** A deployment PATCH body: `status` required (the wire answers 500 without it), known fields only. */
export function checkDeploymentUpdate(update: object): void {
  if (typeof update !== 'object' || update === null)
    throw new ConfigurationError([
      { setting: 'update', message: 'expected an object with `status`' },
    ]);
  const defined = Object.fromEntries(
    Object.entries(update).filter(([, value]) => value !== undefined),
  );
  check(DeploymentUpdateSchema, defined, 'update');
}
