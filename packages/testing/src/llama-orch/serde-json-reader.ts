// docs/protocols/llama-orch.md §11.3: the server reads JSON bodies with serde_json (`from_slice`). This is
// its reader, ported for the error texts and positions the server sends back: scanning, numbers,
// strings, escapes and skipped values behave like serde_json 1.x, byte for byte.

/** serde_json's error categories: axum answers `data` with 422, the others with 400. */
export type SerdeCategory = 'syntax' | 'eof' | 'data';

/** One step of the path serde_path_to_error reports: a map key, a sequence index, or `?`. */
export type PathSegment = { key: string } | { index: number } | { unknown: true };

/** A serde_json error: its message, where it happened, and the path to the failing value. */
export class SerdeError extends Error {
  /** 1-based line, or 0 while a data error still waits for its position. */
  line = 0;
  column = 0;
  /** Set once, by the innermost value that saw the error (serde_path_to_error). */
  path: PathSegment[] | undefined;

  constructor(
    readonly code: string,
    readonly category: SerdeCategory,
  ) {
    super(code);
    this.name = 'SerdeError';
  }

  /** serde_path_to_error's Display: `path: ` (unless the path is empty or all `?`), then serde_json's. */
  display(): string {
    const at =
      this.line === 0 ? this.code : `${this.code} at line ${this.line} column ${this.column}`;
    const path = this.path ?? [];
    if (path.every((s) => 'unknown' in s)) return at;
    let text = '';
    path.forEach((segment, i) => {
      if ('index' in segment) text += `[${segment.index}]`;
      else text += `${i > 0 ? '.' : ''}${'key' in segment ? segment.key : '?'}`;
    });
    return `${text}: ${at}`;
  }
}

/** A data error (`invalid type`, `missing field`, ...): its position is filled in later. */
export const dataError = (message: string): SerdeError => new SerdeError(message, 'data');

const EOF_CODES = new Set([
  'EOF while parsing a list',
  'EOF while parsing an object',
  'EOF while parsing a string',
  'EOF while parsing a value',
]);

/** A number as serde_json parses it before a visitor sees it. */
export type ParsedNumber =
  | { kind: 'u64'; value: bigint }
  | { kind: 'i64'; value: bigint }
  | { kind: 'f64'; value: number };

const U64_MAX = (1n << 64n) - 1n;
const I32_MAX = 2147483647;
const POW10 = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));
const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;
const hexValue = (b: number): number =>
  b >= 0x30 && b <= 0x39
    ? b - 0x30
    : b >= 0x61 && b <= 0x66
      ? b - 0x57
      : b >= 0x41 && b <= 0x46
        ? b - 0x37
        : -1;

/** serde_json's `Deserializer<SliceRead>`: a cursor over the body bytes. */
export class SerdeReader {
  index = 0;
  /** serde_json's recursion limit. */
  remainingDepth = 128;

  constructor(readonly bytes: Uint8Array) {}

  peek(): number | undefined {
    return this.index < this.bytes.length ? this.bytes[this.index] : undefined;
  }
  peekOrNull(): number {
    return this.peek() ?? 0;
  }
  next(): number | undefined {
    return this.index < this.bytes.length ? this.bytes[this.index++] : undefined;
  }
  eat(): void {
    this.index++;
  }

  #positioned(code: string, at: number): SerdeError {
    const error = new SerdeError(code, EOF_CODES.has(code) ? 'eof' : 'syntax');
    this.place(error, at);
    return error;
  }

  /** Set line and column as serde_json's `position_of_index` counts them (bytes, 1-based lines). */
  place(error: SerdeError, at: number): void {
    let startOfLine = 0;
    let line = 1;
    for (let i = 0; i < at; i++) {
      if (this.bytes[i] === 0x0a) {
        line++;
        startOfLine = i + 1;
      }
    }
    error.line = line;
    error.column = at - startOfLine;
  }

  /** An error about the byte `next()` returned. */
  error(code: string): SerdeError {
    return this.#positioned(code, this.index);
  }
  /** An error about the byte `peek()` returned. */
  peekError(code: string): SerdeError {
    return this.#positioned(code, Math.min(this.bytes.length, this.index + 1));
  }
  /** Give a data error the current position, unless it already has one. */
  fix(error: unknown): unknown {
    if (error instanceof SerdeError && error.line === 0) this.place(error, this.index);
    return error;
  }

  whitespace(): number | undefined {
    for (;;) {
      const b = this.peek();
      if (b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d) this.eat();
      else return b;
    }
  }

  ident(rest: string): void {
    for (let i = 0; i < rest.length; i++) {
      const b = this.next();
      if (b === undefined) throw this.error('EOF while parsing a value');
      if (b !== rest.charCodeAt(i)) throw this.error('expected ident');
    }
  }

  /** Enter `[` or `{` (the byte is still to be eaten); serde_json refuses a 128th level. */
  descend<T>(body: () => T): T {
    this.remainingDepth--;
    if (this.remainingDepth === 0) throw this.peekError('recursion limit exceeded');
    try {
      return body();
    } finally {
      this.remainingDepth++;
    }
  }

  // ---- numbers -------------------------------------------------------------------------

  parseInteger(positive: boolean): ParsedNumber {
    const next = this.next();
    if (next === undefined) throw this.error('EOF while parsing a value');
    if (next === 0x30) {
      if (isDigit(this.peek())) throw this.peekError('invalid number');
      return this.#parseNumber(positive, 0n);
    }
    if (!isDigit(next)) throw this.error('invalid number');
    let significand = BigInt(next - 0x30);
    for (;;) {
      const c = this.peek();
      if (!isDigit(c)) return this.#parseNumber(positive, significand);
      const grown = significand * 10n + BigInt(c - 0x30);
      if (grown > U64_MAX)
        return { kind: 'f64', value: this.#parseLongInteger(positive, significand) };
      this.eat();
      significand = grown;
    }
  }

  #parseNumber(positive: boolean, significand: bigint): ParsedNumber {
    const c = this.peekOrNull();
    if (c === 0x2e) return { kind: 'f64', value: this.#parseDecimal(positive, significand, 0) };
    if (c === 0x65 || c === 0x45) {
      return { kind: 'f64', value: this.#parseExponent(positive, significand, 0) };
    }
    if (positive) return { kind: 'u64', value: significand };
    // serde_json turns -0 and anything below i64::MIN into a float.
    if (significand === 0n || significand > 1n << 63n) {
      return { kind: 'f64', value: -Number(significand) };
    }
    return { kind: 'i64', value: -significand };
  }

  #parseLongInteger(positive: boolean, significand: bigint): number {
    let exponent = 0;
    for (;;) {
      const c = this.peekOrNull();
      if (isDigit(c)) {
        this.eat();
        exponent++;
      } else if (c === 0x2e) return this.#parseDecimal(positive, significand, exponent);
      else if (c === 0x65 || c === 0x45)
        return this.#parseExponent(positive, significand, exponent);
      else return this.#fromParts(positive, significand, exponent);
    }
  }

  #parseDecimal(positive: boolean, start: bigint, exponentBefore: number): number {
    this.eat();
    let significand = start;
    let after = 0;
    for (let c = this.peekOrNull(); isDigit(c); c = this.peekOrNull()) {
      const grown = significand * 10n + BigInt(c - 0x30);
      if (grown > U64_MAX) {
        // Further digits cannot change the value: skip them.
        while (isDigit(this.peek())) this.eat();
        const c2 = this.peekOrNull();
        const exponent = exponentBefore + after;
        return c2 === 0x65 || c2 === 0x45
          ? this.#parseExponent(positive, significand, exponent)
          : this.#fromParts(positive, significand, exponent);
      }
      this.eat();
      significand = grown;
      after--;
    }
    if (after === 0) {
      throw this.peekError(
        this.peek() === undefined ? 'EOF while parsing a value' : 'invalid number',
      );
    }
    const c = this.peekOrNull();
    const exponent = exponentBefore + after;
    return c === 0x65 || c === 0x45
      ? this.#parseExponent(positive, significand, exponent)
      : this.#fromParts(positive, significand, exponent);
  }

  #parseExponent(positive: boolean, significand: bigint, startingExp: number): number {
    this.eat();
    let positiveExp = true;
    const sign = this.peekOrNull();
    if (sign === 0x2b) this.eat();
    else if (sign === 0x2d) {
      this.eat();
      positiveExp = false;
    }
    const next = this.next();
    if (next === undefined) throw this.error('EOF while parsing a value');
    if (!isDigit(next)) throw this.error('invalid number');
    let exp = next - 0x30;
    for (let c = this.peekOrNull(); isDigit(c); c = this.peekOrNull()) {
      this.eat();
      const digit = c - 0x30;
      if (exp > Math.floor(I32_MAX / 10) || (exp === Math.floor(I32_MAX / 10) && digit > 7)) {
        if (significand !== 0n && positiveExp) throw this.error('number out of range');
        while (isDigit(this.peek())) this.eat();
        return positive ? 0 : -0;
      }
      exp = exp * 10 + digit;
    }
    const finalExp = positiveExp ? startingExp + exp : startingExp - exp;
    return this.#fromParts(positive, significand, finalExp);
  }

  /** serde_json's `f64_from_parts` (without `float_roundtrip`): multiply or divide by 10^n. */
  #fromParts(positive: boolean, significand: bigint, exponent: number): number {
    let f = Number(significand);
    for (;;) {
      const pow = POW10[Math.abs(exponent)];
      if (pow !== undefined) {
        if (exponent >= 0) {
          f *= pow;
          if (!Number.isFinite(f)) throw this.error('number out of range');
        } else f /= pow;
        break;
      }
      if (f === 0) break;
      if (exponent >= 0) throw this.error('number out of range');
      f /= 1e308;
      exponent += 308;
    }
    return positive ? f : -f;
  }

  // ---- strings -------------------------------------------------------------------------

  /** Parse a string whose opening quote was eaten; the text must be valid UTF-8. */
  parseStr(): string {
    const parts: number[] = [];
    let start = this.index;
    for (;;) {
      while (this.index < this.bytes.length && !isEscape(this.bytes[this.index]!)) this.index++;
      if (this.index === this.bytes.length) throw this.error('EOF while parsing a string');
      const b = this.bytes[this.index]!;
      if (b === 0x22) {
        for (let i = start; i < this.index; i++) parts.push(this.bytes[i]!);
        this.index++;
        return this.#utf8(parts);
      }
      if (b === 0x5c) {
        for (let i = start; i < this.index; i++) parts.push(this.bytes[i]!);
        this.index++;
        this.#parseEscape(parts);
        start = this.index;
      } else {
        this.index++;
        throw this.error('control character (\\u0000-\\u001F) found while parsing a string');
      }
    }
  }

  #utf8(bytes: number[]): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    } catch {
      throw this.error('invalid unicode code point');
    }
  }

  #nextOrEof(): number {
    const b = this.next();
    if (b === undefined) throw this.error('EOF while parsing a string');
    return b;
  }

  #parseEscape(out: number[]): void {
    const ch = this.#nextOrEof();
    const simple: Record<number, number> = {
      34: 0x22,
      92: 0x5c,
      47: 0x2f,
      98: 0x08,
      102: 0x0c,
      110: 0x0a,
      114: 0x0d,
      116: 0x09,
    };
    if (simple[ch] !== undefined) out.push(simple[ch]);
    else if (ch === 0x75) this.#parseUnicodeEscape(out);
    else throw this.error('invalid escape');
  }

  #hexEscape(): number {
    if (this.index + 4 > this.bytes.length) {
      this.index = this.bytes.length;
      throw this.error('EOF while parsing a string');
    }
    let n = 0;
    let bad = false;
    for (let i = 0; i < 4; i++) {
      const v = hexValue(this.bytes[this.index + i]!);
      if (v < 0) bad = true;
      n = n * 16 + v;
    }
    this.index += 4;
    if (bad) throw this.error('invalid escape');
    return n;
  }

  #parseUnicodeEscape(out: number[]): void {
    const n = this.#hexEscape();
    if (n >= 0xdc00 && n <= 0xdfff) throw this.error('lone leading surrogate in hex escape');
    if (n < 0xd800 || n > 0xdbff) {
      out.push(...new TextEncoder().encode(String.fromCodePoint(n)));
      return;
    }
    for (const expected of [0x5c, 0x75]) {
      const peeked = this.peek();
      if (peeked === undefined) throw this.error('EOF while parsing a string');
      this.eat();
      if (peeked !== expected) throw this.error('unexpected end of hex escape');
    }
    const n2 = this.#hexEscape();
    if (n2 < 0xdc00 || n2 > 0xdfff) throw this.error('lone leading surrogate in hex escape');
    const cp = (((n - 0xd800) << 10) | (n2 - 0xdc00)) + 0x10000;
    out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
  }

  /** Skip a string whose opening quote was eaten (validity of escapes only). */
  ignoreStr(): void {
    for (;;) {
      while (this.index < this.bytes.length && !isEscape(this.bytes[this.index]!)) this.index++;
      if (this.index === this.bytes.length) throw this.error('EOF while parsing a string');
      const b = this.bytes[this.index]!;
      if (b === 0x22) {
        this.index++;
        return;
      }
      if (b !== 0x5c)
        throw this.error('control character (\\u0000-\\u001F) found while parsing a string');
      this.index++;
      const ch = this.#nextOrEof();
      if (ch === 0x75) this.#hexEscape();
      else if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(ch)) {
        throw this.error('invalid escape');
      }
    }
  }

  // ---- skipping ------------------------------------------------------------------------

  /** serde_json's `ignore_value` (an unknown field's value): iterative, no depth limit. */
  ignoreValue(): void {
    const stack: number[] = [];
    let enclosing: number | undefined;
    for (;;) {
      const peek = this.whitespace();
      if (peek === undefined) throw this.peekError('EOF while parsing a value');
      let frame: number | undefined;
      if (peek === 0x6e || peek === 0x74 || peek === 0x66) {
        this.eat();
        this.ident(peek === 0x6e ? 'ull' : peek === 0x74 ? 'rue' : 'alse');
      } else if (peek === 0x2d || isDigit(peek)) {
        if (peek === 0x2d) this.eat();
        this.#ignoreNumber();
      } else if (peek === 0x22) {
        this.eat();
        this.ignoreStr();
      } else if (peek === 0x5b || peek === 0x7b) {
        if (enclosing !== undefined) stack.push(enclosing);
        enclosing = undefined;
        this.eat();
        frame = peek;
      } else throw this.peekError('expected value');

      let acceptComma: boolean;
      if (frame !== undefined) acceptComma = false;
      else if (enclosing !== undefined) {
        frame = enclosing;
        enclosing = undefined;
        acceptComma = true;
      } else {
        frame = stack.pop();
        if (frame === undefined) return;
        acceptComma = true;
      }
      for (;;) {
        const c = this.whitespace();
        if (c === 0x2c && acceptComma) {
          this.eat();
          break;
        }
        const closes = (c === 0x5d && frame === 0x5b) || (c === 0x7d && frame === 0x7b);
        if (c === undefined) {
          throw this.peekError(
            frame === 0x5b ? 'EOF while parsing a list' : 'EOF while parsing an object',
          );
        }
        if (!closes) {
          if (acceptComma)
            throw this.peekError(frame === 0x5b ? 'expected `,` or `]`' : 'expected `,` or `}`');
          break;
        }
        this.eat();
        const outer = stack.pop();
        if (outer === undefined) return;
        frame = outer;
        acceptComma = true;
      }
      if (frame === 0x7b) {
        const q = this.whitespace();
        if (q === 0x22) this.eat();
        else if (q === undefined) throw this.peekError('EOF while parsing an object');
        else throw this.peekError('key must be a string');
        this.ignoreStr();
        const colon = this.whitespace();
        if (colon === 0x3a) this.eat();
        else if (colon === undefined) throw this.peekError('EOF while parsing an object');
        else throw this.peekError('expected `:`');
      }
      enclosing = frame;
    }
  }

  #ignoreNumber(): void {
    const first = this.next() ?? 0;
    if (first === 0x30) {
      if (isDigit(this.peek())) throw this.peekError('invalid number');
    } else if (isDigit(first)) {
      while (isDigit(this.peek())) this.eat();
    } else throw this.error('invalid number');
    let c = this.peekOrNull();
    if (c === 0x2e) {
      this.eat();
      if (!isDigit(this.peek())) throw this.peekError('invalid number');
      while (isDigit(this.peek())) this.eat();
      c = this.peekOrNull();
    }
    if (c === 0x65 || c === 0x45) {
      this.eat();
      const sign = this.peekOrNull();
      if (sign === 0x2b || sign === 0x2d) this.eat();
      if (!isDigit(this.next() ?? 0)) throw this.error('invalid number');
      while (isDigit(this.peek())) this.eat();
    }
  }
}

const isEscape = (b: number): boolean => b === 0x22 || b === 0x5c || b < 0x20;
