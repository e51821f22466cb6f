// RFC 8785 canonical JSON written independently of the packages. Portable.

/**
 * Returns the canonical JSON of a JSON value: keys sorted by UTF-16 code
 * units (JavaScript's default sort), everything else as JSON.stringify
 * writes it.
 */
export function referenceCanonicalJson(value) {
  if (Array.isArray(value)) {
    return `[${value.map(referenceCanonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    const members = keys.map((key) => `${JSON.stringify(key)}:${referenceCanonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
