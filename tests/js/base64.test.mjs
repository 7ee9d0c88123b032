// The package's base64 (js/base64.mjs) against node:buffer's, on random bytes of every length
// class, and on the inputs a service or a challenge could send wrong.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { claimsText, decodeBase64, encodeBase64url } from "../../js/base64.mjs";

test("base64url round trips and matches Buffer's, with and without padding", () => {
  for (let n = 0; n < 300; n++) {
    const bytes = new Uint8Array(randomBytes(n === 299 ? 200_000 : n));
    const text = encodeBase64url(bytes);
    assert.equal(text, Buffer.from(bytes).toString("base64url"));
    assert.deepEqual(decodeBase64(text), bytes);
    assert.deepEqual(decodeBase64(Buffer.from(bytes).toString("base64")), bytes, "standard alphabet, padded");
  }
});

test("anything else is refused, not guessed", () => {
  for (const bad of ["a", "abcde", "ab$d", "ab=c", "abc===", "é", " abcd"]) assert.equal(decodeBase64(bad), undefined, bad);
});

test("CAE claims become the JSON the credential takes; undecodable claims pass as sent", () => {
  assert.equal(claimsText("eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="), '{"access_token":{}}');
  assert.equal(claimsText("eyJhY2Nlc3NfdG9rZW4iOnt9fQ"), '{"access_token":{}}');
  assert.equal(claimsText("not base64!"), "not base64!");
  assert.equal(claimsText(Buffer.from([0xff, 0xfe]).toString("base64")), "//4=", "not UTF-8");
});
