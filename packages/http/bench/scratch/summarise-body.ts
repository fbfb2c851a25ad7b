/** Longest server message kept in an error message. */
const MAX_MESSAGE_CHARS = 500;

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Shorten text to `max` characters, marking the cut. */
export function truncate(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** True when a body looks like an HTML page (by content type or by its first tag). */
export function isHtml(text: string, contentType: string | null): boolean {
  if (contentType?.toLowerCase().includes('text/html')) return true;
  return /^\s*<(!doctype\s+html|html|head|body)\b/i.test(text);
}

const decodeEntities = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');

/**
 * One line that says what an HTML error page was: its `<title>`, else its first heading,
 * else the start of its text. A proxy's error page is never dumped whole into a message.
 */
export function summariseHtml(html: string): string {
  const pick = (pattern: RegExp): string | undefined => {
    const match = pattern.exec(html);
    return match?.[1] ? collapse(decodeEntities(match[1].replace(/<[^>]*>/g, ' '))) : undefined;
  };
  const title = pick(/<title[^>]*>([\s\S]*?)<\/title>/i) || pick(/<h1[^>]*>([\s\S]*?)<\/h1>/i);
  const text =
    title ||
    collapse(
      decodeEntities(
        html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '),
      ),
    );
  return `HTML page: ${truncate(text || '(no text)', 200)}`;
}

/** A plain-text body as one bounded line. */
export function summariseText(text: string): string {
  return truncate(collapse(text));
}
