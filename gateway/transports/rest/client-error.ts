/**
 * Requests Node's HTTP parser refuses before express sees them (a query with raw, unencoded UTF-8 such as
 * `?q=养老`, a malformed request line): answered with the documented error body naming what was wrong, in
 * Chinese when the request asked for it, instead of Node's bare 400 with an empty body (issue 16).
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { ErrorCode } from "../../domain/errors.js";
import { localizeError } from "../../domain/messages.js";
import { HTTP_STATUS } from "./status.js";

/** The error body for a request the parser refused; `raw` is what of it arrived (headers included). */
export function parserRefusal(raw: string): { status: number; language: "zh-CN" | "en"; body: string } {
  const requestLine = raw.split("\r\n", 1)[0] ?? "";
  // Bytes beyond ASCII in the request line are what clients send when they do not percent-encode.
  const target = requestLine.split(" ")[1] ?? "";
  const unencoded = [...target].some((ch) => ch.charCodeAt(0) > 0x7e);
  const path = unencoded && target.includes("?") ? "(query)" : "(request)";
  const issue = unencoded ? "is not percent-encoded UTF-8" : "malformed HTTP request";
  const code = ErrorCode.INVALID_ARGUMENT;
  const prefersChinese = /^accept-language:[ \t]*zh/im.test(raw);
  const language = prefersChinese ? "zh-CN" : "en";
  const shown = localizeError({ code, message: `${path}: ${issue}`, details: [{ path, issue }] }, language);
  const body = JSON.stringify({
    error: { code, message: shown.message, details: shown.details, origin: "client" },
  });
  return { status: HTTP_STATUS[code], language, body };
}

/** Node's own answers to the parser's refusals that are not a malformed request (as lib/_http_server.js words them). */
const NODE_ANSWERS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n",
  ERR_HTTP_REQUEST_TIMEOUT: "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n",
};

/** Answers the parser's refusals on `server`: a malformed request as {@link parserRefusal} words it. */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    // As Node does without a listener: answer only a socket nothing was written to yet, then close it.
    if (socket.writable && socket.bytesWritten === 0 && err.code !== "ECONNRESET") {
      const own = err.code === undefined ? undefined : NODE_ANSWERS[err.code];
      if (own !== undefined) socket.write(own);
      else {
        const { status, language, body } = parserRefusal(err.rawPacket?.toString("latin1") ?? "");
        const bytes = Buffer.from(body, "utf8");
        socket.write(
          `HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
            `Content-Language: ${language}\r\nContent-Length: ${bytes.byteLength}\r\nConnection: close\r\n\r\n`,
          "latin1",
        );
        socket.write(bytes);
      }
    }
    socket.destroy(err);
  });
}
