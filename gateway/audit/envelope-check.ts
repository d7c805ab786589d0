/**
 * Checks one logged envelope against the federation's key registry: it is
 * signed, its signature holds for its source region's key as of the time it
 * was logged, and the record's columns say what the envelope says. Shared by
 * `xr audit verify` (a region's own log) and bundle checks, so that both
 * trust only the registry, never keys that travel with what they check.
 */
import { decodeEnvelope, type Envelope } from "../codec/envelope.js";
import { unseal } from "../codec/sealed.js";
import type { LogRecord } from "../domain/message-log.js";
import type { SignatureVerifier } from "../ports/signing.js";

/**
 * The decoded envelope of a record that checks out, or why it does not (with
 * the envelope when it decodes: its sequence still shows where it stood).
 */
export type EnvelopeCheck =
  | { readonly env: Envelope; readonly problem?: undefined }
  | { readonly env?: Envelope | undefined; readonly problem: string };

/**
 * Checks a `sent` or `received` record of `region`'s log (refused records are
 * kept as they came and are not checked here).
 */
export function checkLoggedEnvelope(
  record: LogRecord,
  region: string,
  verifier: SignatureVerifier,
): EnvelopeCheck {
  const sealed = unseal(record.value);
  if (!sealed) return { problem: "the envelope is not signed" };
  let env: Envelope;
  try {
    env = decodeEnvelope(record.value);
  } catch (err) {
    return { problem: `the envelope does not decode: ${(err as Error).message}` };
  }
  const issue = verifier.verify(
    env.sourceRegion,
    env.keyId,
    sealed.unsigned,
    sealed.signature,
    new Date(record.at),
  );
  if (issue) return { env, problem: issue };
  // A genuine envelope under another record's columns would make the log say what the envelope does not.
  const sent = record.direction === "sent";
  const [here, there] = sent ? [env.sourceRegion, env.targetRegion] : [env.targetRegion, env.sourceRegion];
  if (here !== region)
    return { env, problem: `the envelope is ${sent ? "from" : "to"} ${here}, not ${region}` };
  if (there !== record.peer)
    return {
      env,
      problem: `the envelope is ${sent ? "to" : "from"} ${there}, not the record's peer ${record.peer}`,
    };
  if (env.eventId !== record.eventId) return { env, problem: "the envelope's event id is not the record's" };
  if (env.caseId !== record.caseId) return { env, problem: "the envelope's case id is not the record's" };
  return { env };
}
