// A small YAML reader for our GitHub workflow files, so the workflow check needs no dependency:
// block mappings and sequences, `key: value` scalars (plain or quoted), flow sequences
// (`[a, b]`), block scalars (`|`, `>`) and comments. Anchors, tags and multi-document files are
// not supported (our workflows use none), and an unsupported line is an error, not a guess.

/** Parses `text` into plain objects, arrays and strings (scalars stay strings). */
export function parseYaml(text) {
  const lines = text
    .split('\n')
    .map((raw, i) => ({ raw, number: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '' && !raw.trim().startsWith('#'));
  let index = 0;
  const indentOf = (line) => line.raw.length - line.raw.trimStart().length;

  function parseBlock(indent) {
    const first = lines[index];
    if (!first || indentOf(first) < indent) return null;
    return first.raw.trimStart().startsWith('- ') || first.raw.trim() === '-'
      ? parseSequence(indentOf(first))
      : parseMapping(indentOf(first));
  }

  function parseSequence(indent) {
    const items = [];
    while (index < lines.length && indentOf(lines[index]) === indent) {
      const line = lines[index];
      const content = line.raw.trimStart();
      if (!content.startsWith('-')) break;
      const rest = content.slice(1).trimStart();
      if (rest === '') {
        index++;
        items.push(parseBlock(indent + 1));
      } else if (/^[^'"[{][^:]*:(\s|$)/.test(rest) || /^["'][^"']*["']:(\s|$)/.test(rest)) {
        // "- key: value" starts a mapping whose keys sit at the column after "- ".
        const column = indent + (content.length - rest.length);
        lines[index] = { ...line, raw: `${' '.repeat(column)}${rest}` };
        items.push(parseMapping(column));
      } else {
        index++;
        items.push(scalar(rest, line));
      }
    }
    return items;
  }

  function parseMapping(indent) {
    const map = {};
    while (index < lines.length && indentOf(lines[index]) === indent) {
      const line = lines[index];
      const match = /^("[^"]*"|'[^']*'|[^:#]+?):(?:\s+(.*))?$/.exec(line.raw.trim());
      if (!match) throw new Error(`line ${line.number}: not a "key: value" line: ${line.raw}`);
      const key = unquote(match[1]);
      const value = stripComment(match[2] ?? '');
      index++;
      if (value === '|' || value === '>' || value === '|-' || value === '>-') {
        map[key] = blockScalar(indent, value.startsWith('>'));
      } else if (value === '') {
        const next = lines[index];
        map[key] = next && indentOf(next) > indent ? parseBlock(indentOf(next)) : null;
        // A sequence may sit at the same indent as its key.
        if (
          map[key] === null &&
          next &&
          indentOf(next) === indent &&
          next.raw.trim().startsWith('- ')
        ) {
          map[key] = parseSequence(indent);
        }
      } else {
        map[key] = scalar(value, line);
      }
    }
    return map;
  }

  function blockScalar(indent, folded) {
    const taken = [];
    while (index < lines.length && indentOf(lines[index]) > indent) {
      taken.push(lines[index].raw.trim());
      index++;
    }
    return taken.join(folded ? ' ' : '\n');
  }

  const result = parseBlock(0);
  if (index < lines.length) {
    throw new Error(`line ${lines[index].number}: unexpected indentation: ${lines[index].raw}`);
  }
  return result;
}

function stripComment(value) {
  if (value.startsWith('"') || value.startsWith("'")) return value;
  return value.replace(/\s+#.*$/, '').trim();
}

function unquote(text) {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) {
    return t.slice(1, -1);
  }
  return t;
}

function scalar(value, line) {
  const v = stripComment(value);
  if (v.startsWith('[')) {
    if (!v.endsWith(']')) throw new Error(`line ${line.number}: unclosed flow sequence`);
    const inner = v.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => unquote(item));
  }
  if (v.startsWith('{')) throw new Error(`line ${line.number}: flow mappings are not supported`);
  return unquote(v);
}
