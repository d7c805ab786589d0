/**
 * Text-encoding checks for city exports: strict UTF-8 decoding that names the
 * line of the first bad byte, and a detector of mojibake (text decoded with
 * the wrong encoding), which the conformance kit runs over every name.
 */
import { isUtf8 } from "node:buffer";
import iconv from "iconv-lite";
import { AdapterError } from "./errors.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes UTF-8 or throws naming `file`, the line of the first invalid byte,
 * and whether the bytes read as GB 18030 (the usual cause: a GBK export).
 */
export function decodeUtf8(raw: Uint8Array, file: string): string {
  const text = tryUtf8(raw);
  if (text !== undefined) return text;
  // The first line that does not decode on its own holds the first bad byte.
  let line = 1;
  for (let start = 0, i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw[i] === 0x0a) {
      if (!isUtf8(raw.subarray(start, i))) break;
      start = i + 1;
      line++;
    }
  }
  const asGbk = iconv.decode(Buffer.from(raw), "gb18030");
  const hint = asGbk.includes("\uFFFD")
    ? "re-export it as UTF-8"
    : "it reads as GBK/GB 18030: re-save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)";
  throw AdapterError.at("ENCODING", `${file} line ${line}`, `not valid UTF-8; ${hint}`);
}

const CJK = /[\u3400-\u9fff]/;

/**
 * Why `text` looks like mojibake, or undefined if it looks fine. Catches
 * U+FFFD (bytes that did not decode), 锟斤拷 (U+FFFD written out as GBK and
 * read back), UTF-8 text decoded as GBK, and UTF-8 text decoded as Latin-1.
 */
export function mojibake(text: string): string | undefined {
  if (text.includes("\uFFFD"))
    return "contains U+FFFD (bytes that did not decode): the file's encoding was misread";
  if (text.includes("锟斤拷"))
    return `contains "锟斤拷" (U+FFFD round-tripped through GBK): the export itself is damaged`;
  // UTF-8 read as GBK: re-encoding as GBK restores valid UTF-8 Chinese. Genuine GBK text
  // almost never does, because its common lead bytes (0xB0–0xF7) are UTF-8 continuation bytes.
  if (text.length >= 2 && CJK.test(text)) {
    const back = iconv.encode(text, "gbk");
    const utf8 = tryUtf8(back);
    if (utf8 !== undefined && utf8 !== text && CJK.test(utf8))
      return `reads as UTF-8 text decoded as GBK (meant "${utf8}")`;
  }
  if (/[\u00c0-\u00ff][\u0080-\u00bf]/.test(text)) {
    const utf8 = tryUtf8(Buffer.from(text, "latin1"));
    if (utf8 !== undefined && CJK.test(utf8))
      return `reads as UTF-8 text decoded as Latin-1 (meant "${utf8}")`;
  }
  return undefined;
}

/** `bytes` as strict UTF-8 (a byte-order mark dropped), or undefined when they are not. */
export function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
