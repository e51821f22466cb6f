// Source spans of the values in a JSON text, so that a test can hand one
// value's exact text to the strict parser under test. JSON.parse alone
// cannot: it rounds integers beyond 2^53 and keeps lone surrogates, which
// the engine must see as written. Portable: no Node-only APIs.

/**
 * Parses `text` into a tree of spans: `{start, end, members}` for objects
 * (`members` maps each key to its span, the last duplicate winning, as
 * JSON.parse does), `{start, end, items}` for arrays, `{start, end}` for
 * scalars. `text.slice(start, end)` is the value's source.
 */
export function spansOf(text) {
  let position = 0;

  const skipWhitespace = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position])) {
      position += 1;
    }
  };

  const fail = (what) => {
    throw new SyntaxError(`invalid JSON at offset ${position}: ${what}`);
  };

  const readString = () => {
    const start = position;
    position += 1;
    while (position < text.length && text[position] !== '"') {
      position += text[position] === '\\' ? 2 : 1;
    }
    if (position >= text.length) {
      fail('unterminated string');
    }
    position += 1;
    return JSON.parse(text.slice(start, position));
  };

  const readValue = () => {
    skipWhitespace();
    const start = position;
    const first = text[position];
    if (first === '{') {
      position += 1;
      const members = new Map();
      skipWhitespace();
      if (text[position] === '}') {
        position += 1;
        return { start, end: position, members };
      }
      for (;;) {
        skipWhitespace();
        if (text[position] !== '"') {
          fail('expected a key');
        }
        const key = readString();
        skipWhitespace();
        if (text[position] !== ':') {
          fail('expected ":"');
        }
        position += 1;
        members.set(key, readValue());
        skipWhitespace();
        if (text[position] === ',') {
          position += 1;
        } else if (text[position] === '}') {
          position += 1;
          return { start, end: position, members };
        } else {
          fail('expected "," or "}"');
        }
      }
    }
    if (first === '[') {
      position += 1;
      const items = [];
      skipWhitespace();
      if (text[position] === ']') {
        position += 1;
        return { start, end: position, items };
      }
      for (;;) {
        items.push(readValue());
        skipWhitespace();
        if (text[position] === ',') {
          position += 1;
        } else if (text[position] === ']') {
          position += 1;
          return { start, end: position, items };
        } else {
          fail('expected "," or "]"');
        }
      }
    }
    if (first === '"') {
      readString();
      return { start, end: position };
    }
    while (position < text.length && !',}] \t\n\r'.includes(text[position])) {
      position += 1;
    }
    if (position === start) {
      fail('expected a value');
    }
    return { start, end: position };
  };

  const root = readValue();
  skipWhitespace();
  if (position !== text.length) {
    fail('trailing text');
  }
  return root;
}

/** The source text of `root.members[key]`, or undefined when absent. */
export function memberSource(text, span, key) {
  const member = span.members?.get(key);
  return member === undefined ? undefined : text.slice(member.start, member.end);
}
