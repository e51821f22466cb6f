// Byte helpers for the token and key tests: hex, base64, base64url and
// the DER wrappers of Ed25519 keys. Portable: no Node-only APIs.

/** The bytes of a hex string. */
export function fromHex(text) {
  const bytes = new Uint8Array(text.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Standard padded base64. */
export function toBase64(bytes) {
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/** Unpadded base64url, as PASETO and PASERK write it. */
export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of unpadded base64url. */
export function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function concat(...parts) {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** DER SubjectPublicKeyInfo prefix of an Ed25519 public key (RFC 8410). */
const SPKI_PREFIX = fromHex('302a300506032b6570032100');
/** DER PKCS#8 v1 prefix of an Ed25519 private key seed (RFC 8410). */
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420');

/** OpenLeash's `public_key_b64` for raw public key bytes. */
export function spkiBase64(publicKey) {
  return toBase64(concat(SPKI_PREFIX, publicKey));
}

/** OpenLeash's `private_key_b64` for a raw 32-byte seed. */
export function pkcs8Base64(seed) {
  return toBase64(concat(PKCS8_PREFIX, seed));
}

/**
 * The UTF-8 text a PASETO v4.public token signs: its body (after
 * `v4.public.`, before any footer) without the 64-byte signature.
 */
export function tokenPayload(token) {
  const body = token.split('.')[2];
  const bytes = fromBase64Url(body);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - 64));
}
