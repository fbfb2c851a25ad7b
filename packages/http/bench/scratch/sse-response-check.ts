// A 2xx that is not an event stream (a proxy's HTML page, a JSON error) is an error, never an
// empty stream: reading it as SSE would silently yield nothing.
import { redactText, StreamError } from '@uplink/core-schemas';
import { readBodyText } from './read-body.js';
import { isHtml, summariseHtml, summariseText } from './summarise-body.js';

/**
 * Content types that are certainly not an event stream: a proxy's HTML page or a JSON answer.
 * Others (missing, `text/plain`, ...) are parsed, as lenient servers send them.
 */
const NOT_AN_EVENT_STREAM = /^\s*(?:text\/html|application\/(?:[\w.+-]*\+)?json)\b/i;

/**
 * Throw `StreamError('malformed')`, with a bounded and redacted summary of the body, when a
 * 2xx response is certainly not an event stream; otherwise leave the body unread.
 */
export async function checkEventStream(
  response: Response,
  options: { secrets?: (() => Iterable<string | undefined>) | undefined; url?: string | undefined },
): Promise<void> {
  const type = response.headers.get('content-type');
  if (!type || !NOT_AN_EVENT_STREAM.test(type)) return;
  const text = await readBodyText(response, 4096).catch(() => '');
  const shown = isHtml(text, type) ? summariseHtml(text) : `"${summariseText(text).slice(0, 120)}"`;
  const secrets = [...(options.secrets?.() ?? [])].filter(
    (s): s is string => typeof s === 'string',
  );
  throw new StreamError(
    redactText(
      `Expected an event stream (Content-Type text/event-stream), but the server sent ${type.slice(0, 100)}: ${shown}`,
      secrets,
    ),
    { code: 'malformed', url: options.url },
  );
}
