// SHA-256 hex of a string's UTF-8 bytes with Web Crypto, which Node 20 and
// browsers both provide.

export async function sha256Hex(text) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
