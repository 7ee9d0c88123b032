/**
 * base64 for the few places Key Vault uses it: backups travel as base64url without padding,
 * and a CAE challenge's claims as standard base64. `atob`/`btoa` exist wherever this package
 * runs (Node 16+, browsers, Deno, Bun, Workers), so the wasm carries no codec of its own.
 */

/** Bytes as base64url without padding. */
export function encodeBase64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** base64 or base64url (padding optional) as bytes; undefined when it is neither. */
export function decodeBase64(text) {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.replace(/=+$/, "").length % 4 === 1) return undefined;
  let binary;
  try {
    binary = atob(standard.replace(/=+$/, "").padEnd(Math.ceil(standard.replace(/=+$/, "").length / 4) * 4, "="));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** CAE claims as the credential takes them: the JSON text, or the header's text when it is not base64 of UTF-8. */
export function claimsText(encoded) {
  const bytes = decodeBase64(encoded);
  if (!bytes) return encoded;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return encoded;
  }
}
