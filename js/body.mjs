/**
 * Reading a response body as UTF-8 text with the size limit enforced while it arrives: once the
 * bytes read pass MAX_RESPONSE_BYTES, reading stops, the stream is cancelled (which drops its
 * connection) and what was read is let go. `{ text, tooLarge }`.
 */
import { MAX_RESPONSE_BYTES } from "./limits.mjs";

const byteLength = (chunk) => (typeof chunk === "string" ? chunk.length : chunk.byteLength);

/** A WHATWG `ReadableStream` of bytes (fetch's `response.body`, `browserStreamBody`). */
export async function readWebStream(stream) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), tooLarge: false };
    size += byteLength(value);
    if (size > MAX_RESPONSE_BYTES) {
      reader.cancel().catch(() => {});
      return { text: "", tooLarge: true };
    }
    text += typeof value === "string" ? value : decoder.decode(value, { stream: true });
  }
}

/** A Node `Readable` (`readableStreamBody` of an `@azure/core-rest-pipeline` client in Node). */
export function readNodeStream(readable) {
  return new Promise((resolve, reject) => {
    const decoder = new TextDecoder();
    let size = 0;
    let text = "";
    const settle = (then, value) => {
      readable.off("data", onData);
      readable.off("end", onEnd);
      readable.off("error", onError);
      readable.off("close", onClose);
      then(value);
    };
    const onData = (chunk) => {
      size += byteLength(chunk);
      if (size > MAX_RESPONSE_BYTES) {
        text = "";
        readable.on("error", () => {});
        readable.destroy();
        return settle(resolve, { text: "", tooLarge: true });
      }
      text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    };
    const onEnd = () => settle(resolve, { text: text + decoder.decode(), tooLarge: false });
    const onError = (e) => settle(reject, e);
    const onClose = () => settle(reject, Object.assign(new Error("the response ended before its body did"), { code: "ECONNRESET" }));
    readable.on("data", onData);
    readable.on("end", onEnd);
    readable.on("error", onError);
    readable.on("close", onClose);
  });
}
