/**
 * @uplink/core-schemas: the shared error family and redaction helpers. The wire schemas of
 * each platform live behind their own subpath (`/luml`, `/llama-orch`, `/ai-spine`), so an
 * app that talks to one platform bundles only that platform's schemas.
 */
// Declares `AsyncDisposable` and `Symbol.asyncDispose` for projects without esnext.disposable.
export type {} from './disposable.js';
export * from './errors/index.js';
export * from './parse.js';
export * from './redaction.js';
