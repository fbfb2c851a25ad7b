// docs/protocols/llama-orch.md §6.6 item 5 and §6.7 (tolerant framing: blank line between `event:`
// and `data:`).

const LF = 10;
const CR = 13;
const EMPTY = 0;
const EVENT_ONLY = 1;
const HAS_DATA = 2;

/**
 * Could this chunk hold an `event:` line followed, after any lines that are not `data` fields,
 * by a blank line? A cheap filter (it also matches harmless cases, which then take the exact
 * path). `dataset: x` is not a `data` field, so only `data` followed by `:` or the line's end
 * stops the match.
 */
const MAYBE_EVENT_THEN_BLANK = /(?:^|\n)event[^\n]*\n(?:(?!data[:\n])[^\n]+\n)*\n/;

const OTHER = 0;
const DATA = 1;
const EVENT = 2;

/** Which field a line sets, for the framing rule (OTHER covers comments, `id:`, `retry:`). */
function classify(head: string): number {
  return classifyAt(head, 0, head.length);
}

/**
 * Classify the line `text[start, end)` from its first characters, without allocating: the
 * hot path of the framing rewrite runs once per line. A field name ends at `:` or at the end
 * of the line (`data`, `data: x`; not `dataset: x`). A line shorter than the name cannot match:
 * its line break, or the end of `text`, comes first.
 */
function classifyAt(text: string, start: number, end: number): number {
  if (text.startsWith('data', start)) {
    return end - start === 4 || text.charCodeAt(start + 4) === 58 /* : */ ? DATA : OTHER;
  }
  if (text.startsWith('event', start)) {
    return end - start === 5 || text.charCodeAt(start + 5) === 58 ? EVENT : OTHER;
  }
  return OTHER;
}

/**
 * Rewrites decoded SSE text so a standard parser keeps an event name across blank lines that
 * come between `event:` and the first `data:` of a block (llama-orch's upstream framing). A
 * WHATWG parser would dispatch nothing at that blank line and forget the name, turning the
 * data into a nameless `message`. Blank lines are dropped only while the current block has
 * an `event:` line and no `data:` line yet, so standard streams pass through unchanged.
 * Chunks may split anywhere, including between the CR and LF of a CRLF.
 */
export class TolerantFraming {
  #block = EMPTY;
  /** First characters of a line that started in an earlier chunk (up to 6, enough to classify). */
  #head = '';
  /** Characters of the current line seen in earlier chunks. */
  #lineLength = 0;
  /** The previous chunk ended with CR: a leading LF completes that CRLF. */
  // Stryker disable next-line BooleanLiteral: at the start of a stream a leading LF is a blank line, which changes nothing while no block is open
  #pendingCr = false;
  /** ... and that CR terminated a dropped blank line, so its LF is dropped too. */
  #pendingCrDropped = false;

  /** Where the last `#scan` stopped (the chunk's length unless it stopped early). */
  #stopped = 0;

  /** Characters of the line still open after the last chunk (0 right after a line break). */
  get lineLength(): number {
    return this.#lineLength;
  }

  /** Rewrite one decoded chunk; returns the text to feed the parser. */
  transform(chunk: string): string {
    if (this.#lineLength === 0 && !this.#pendingCr && this.#block !== EVENT_ONLY) {
      return this.#fromLineStart(chunk);
    }
    // The chunk starts mid-line (most chunks: the network splits at arbitrary bytes) or just
    // after an `event:` line. Finish that with the exact scanner, then the rest of the chunk
    // starts on a clean line and can take the fast path.
    // Stryker disable next-line BooleanLiteral: scanning the whole chunk exactly gives the same text, only slower
    const head = this.#scan(chunk, true);
    const stop = this.#stopped;
    if (stop >= chunk.length) return head;
    const rest = chunk.slice(stop);
    const tail = this.#fromLineStart(rest);
    // Only drops rewrite the text, so equal lengths mean nothing was dropped.
    if (head.length === stop && tail.length === rest.length) return chunk;
    return head + tail;
  }

  /** A chunk that starts a line, outside an `event:`-only block. */
  #fromLineStart(chunk: string): string {
    // Stryker disable next-line StringLiteral,BlockStatement: without the fast path the exact scan below gives the same text
    if (chunk.indexOf('\r') === -1 && !MAYBE_EVENT_THEN_BLANK.test(chunk)) {
      // Fast path: nothing to drop in this chunk, so only the state at its end matters, and
      // that depends only on the block still open after the last blank line.
      const lastBlank = chunk.lastIndexOf('\n\n');
      if (lastBlank !== -1) this.#block = EMPTY;
      // Stryker disable next-line ArithmeticOperator: starting 2 characters early adds a line too short to be a field, before a blank line that resets the block anyway
      this.#scan(chunk, false, lastBlank === -1 ? 0 : lastBlank + 2);
      return chunk;
    }
    return this.#scan(chunk, false);
  }

  /**
   * The line-by-line state machine from `start`; drops the blank lines the rule covers and
   * returns the text of `chunk[0, #stopped)`. With `untilClean` it stops after the first line
   * that leaves a clean state (no partial line, no pending CR, not an `event:`-only block).
   */
  #scan(chunk: string, untilClean: boolean, start = 0): string {
    const length = chunk.length;
    let i = start;
    let out: string[] | undefined;
    let segmentStart = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (chunk.charCodeAt(0) === LF) {
        i = 1;
        if (this.#pendingCrDropped) {
          out = [];
          segmentStart = 1;
        }
      }
      this.#pendingCrDropped = false;
    }
    let stopped = length;
    // Stryker disable next-line StringLiteral: looking for CRs in a chunk without any finds none
    const hasCr = chunk.indexOf('\r', i) !== -1;
    while (i < length) {
      let end = chunk.indexOf('\n', i);
      if (hasCr) {
        const cr = chunk.indexOf('\r', i);
        if (cr !== -1 && (end === -1 || cr < end)) end = cr;
      }
      if (end === -1) {
        if (this.#head.length < 6) this.#head += chunk.slice(i, i + 6 - this.#head.length);
        this.#lineLength += length - i;
        break;
      }
      let terminatorLength = 1;
      if (chunk.charCodeAt(end) === CR) {
        if (end + 1 < length) {
          if (chunk.charCodeAt(end + 1) === LF) terminatorLength = 2;
        } else this.#pendingCr = true;
      }
      if (this.#lineLength === 0 && end === i) {
        // A blank line: it ends the block, unless the block so far is only an `event:` line.
        if (this.#block === EVENT_ONLY) {
          out ??= [];
          out.push(chunk.slice(segmentStart, end));
          segmentStart = end + terminatorLength;
          if (this.#pendingCr) this.#pendingCrDropped = true;
        } else this.#block = EMPTY;
      } else {
        const kind =
          this.#lineLength === 0
            ? classifyAt(chunk, i, end)
            : classify((this.#head + chunk.slice(i, Math.min(end, i + 6))).slice(0, 6));
        if (kind === DATA) this.#block = HAS_DATA;
        else if (kind === EVENT && this.#block !== HAS_DATA) this.#block = EVENT_ONLY;
      }
      this.#head = '';
      this.#lineLength = 0;
      i = end + terminatorLength;
      // Stryker disable next-line BlockStatement: scanning on to the end of the chunk gives the same text, only slower
      if (untilClean && this.#block !== EVENT_ONLY && !this.#pendingCr) {
        stopped = i;
        break;
      }
    }
    this.#stopped = stopped;
    if (!out) return stopped === length ? chunk : chunk.slice(0, stopped);
    out.push(chunk.slice(segmentStart, stopped));
    return out.join('');
  }
}
