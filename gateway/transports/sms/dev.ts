/**
 * The development SMS provider (issue 18): writes each message as a JSON line
 * to a file a developer tails (data/<region>/sms.log), and, as a real
 * provider would, sends a message once per idempotency key: a repeated key
 * is written as a `duplicate` line without the message, so the file counts
 * duplicates per event id. The lines are appended synchronously: once
 * send() resolves, the message survives a crash of the gateway.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Notifier, Sms } from "../../ports/notifier.js";

/** A line of the development provider's file. */
export type SmsLogLine =
  | { readonly at: string; readonly idempotencyKey: string; readonly to: string; readonly text: string }
  | { readonly at: string; readonly idempotencyKey: string; readonly duplicate: number };

/** Reads a development provider's file (tests, and `xr`-less developers with jq). */
export function readSmsLog(file: string): SmsLogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as SmsLogLine);
}

/** {@link Notifier} writing to a file. */
export class DevSmsProvider implements Notifier {
  /** Calls per idempotency key, the file's earlier lines included. */
  readonly #calls = new Map<string, number>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    for (const line of readSmsLog(file)) {
      this.#calls.set(line.idempotencyKey, (this.#calls.get(line.idempotencyKey) ?? 0) + 1);
    }
  }

  async send(sms: Sms): Promise<void> {
    const calls = (this.#calls.get(sms.idempotencyKey) ?? 0) + 1;
    this.#calls.set(sms.idempotencyKey, calls);
    const at = new Date().toISOString();
    const line: SmsLogLine =
      calls === 1
        ? { at, idempotencyKey: sms.idempotencyKey, to: sms.mobile, text: sms.text }
        : { at, idempotencyKey: sms.idempotencyKey, duplicate: calls - 1 };
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }

  /** How often a key was called (1: sent once, no duplicate). */
  calls(idempotencyKey: string): number {
    return this.#calls.get(idempotencyKey) ?? 0;
  }
}
