// docs/protocols/agent-sdk.md §1.12: a body that is not JSON is a 422 `json_invalid` whose
// `loc` is the offset Python's decoder stopped at and whose `ctx.error` is its message. V8's
// parser reports neither reliably, so this scanner finds them the way Python's does.

/** Where and why Python's `json.loads` would fail on `text`, or `undefined` if it parses. */
export function pythonJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (message: string, at = i): never => {
    throw { offset: at, message };
  };
  const value = (): void => {
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else scalar();
  };
  const scalar = (): void => {
    const rest = text.slice(i);
    for (const word of ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity']) {
      if (rest.startsWith(word)) {
        i += word.length;
        return;
      }
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(rest);
    if (number) {
      i += number[0].length;
      return;
    }
    fail('Expecting value');
  };
  const string = (): void => {
    const begin = i++;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('Invalid \\uXXXX escape', i + 1);
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail('Invalid \\escape', i);
        i += 2;
        continue;
      }
      if (c < ' ') fail('Invalid control character at', i);
      i++;
    }
    fail('Unterminated string starting at', begin);
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
      string();
      ws();
      if (text[i] !== ':') fail("Expecting ':' delimiter");
      i++;
      ws();
      value();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] !== ',') fail("Expecting ',' delimiter");
      i++;
      ws();
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      if (text[i] !== ',') fail("Expecting ',' delimiter");
      i++;
      ws();
    }
  };
  try {
    ws();
    value();
    ws();
    if (i < text.length) fail('Extra data');
    return undefined;
  } catch (error) {
    return error as { offset: number; message: string };
  }
}
