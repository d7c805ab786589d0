import { createHash } from "node:crypto";
import { expect } from "chai";
import {
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
  SCHEMA_VERSION,
} from "../../gateway/codec/envelope.js";
import { unseal } from "../../gateway/codec/sealed.js";
import type { CaseState } from "../../gateway/domain/case.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import type { EventPayload } from "../../gateway/domain/events.js";
import { checkEnvelope } from "../../gateway/inbound/received.js";
import { organizationCase, personCase, signedEnvelope, submittedEnvelope } from "../helpers/cases.js";

function envelope(payload: EventPayload, overrides: Partial<Envelope> = {}): Envelope {
  return {
    eventId: "01JCXF7M3N9P2Q4R6S8T0V1W3X",
    caseId: personCase().caseId,
    sourceRegion: "430100",
    targetRegion: "440100",
    sequence: 1,
    occurredAt: "2026-11-02T01:30:00.456Z",
    schemaVersion: SCHEMA_VERSION,
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    signature: new Uint8Array([0x3a, 0x00, 0xff, 0x7e, 0x10]),
    keyId: "430100-2026-ed25519",
    payload,
    ...overrides,
  };
}

/** The envelope with its signature as a plain array, so Buffer vs Uint8Array does not matter. */
/** The envelope's own fields; `digest` and `raw` come from the bytes by decoding and are checked on their own. */
function comparable(e: Envelope): Omit<Envelope, "signature" | "digest" | "raw"> & { signature: number[] } {
  const { digest: _d, raw: _r, ...rest } = e;
  return { ...rest, signature: [...e.signature] };
}

function decodeError(bytes: Uint8Array): XrError {
  try {
    decodeEnvelope(bytes);
  } catch (err) {
    expect(err).to.be.instanceOf(XrError);
    return err as XrError;
  }
  expect.fail("decodeEnvelope accepted the bytes");
}

/** Deterministic pseudo-random bytes (LCG), so a failure can be reproduced. */
function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe("envelope: encode → decode round trip", () => {
  it("keeps the header fields of a CaseSubmitted envelope", () => {
    const e = envelope({ type: "CaseSubmitted", case: personCase() });
    const d = decodeEnvelope(encodeEnvelope(e));
    const { payload: _p, ...header } = comparable(d);
    const { payload: _q, ...expected } = comparable(e);
    expect(header).to.deep.equal(expected);
    expect(d.payload.type).to.equal("CaseSubmitted");
  });

  it("round-trips a CaseSubmitted envelope carrying a full person case", () => {
    const e = envelope({ type: "CaseSubmitted", case: personCase() });
    expect(comparable(decodeEnvelope(encodeEnvelope(e)))).to.deep.equal(comparable(e));
  });

  it("round-trips a CaseSubmitted envelope carrying a decided organization case with a subtask", () => {
    const c: CaseState = organizationCase({
      mode: "MULTI_REGION",
      collaboratingRegions: ["440300"],
      subtasks: [
        { subtaskId: "ST-1", region: "440300", description: "核查股东信息", completed: true, note: "无误" },
      ],
      status: "DECIDED",
      approved: false,
      reason: "股东会决议缺少签章",
      requestedMaterialCodes: ["CL-BGJY"],
      version: 6,
      updatedAt: "2026-11-05T08:00:00.000Z",
    });
    const e = envelope({ type: "CaseSubmitted", case: c }, { caseId: c.caseId });
    expect(comparable(decodeEnvelope(encodeEnvelope(e)))).to.deep.equal(comparable(e));
  });

  it("round-trips a ResultMailed envelope", () => {
    const e = envelope(
      { type: "ResultMailed", courier: "中国邮政EMS", waybillNo: "1187654321098" },
      { sourceRegion: "440100", targetRegion: "430100", sequence: 7 },
    );
    const d = decodeEnvelope(encodeEnvelope(e));
    expect(comparable(d)).to.deep.equal(comparable(e));
  });

  it("records the sha256 of the bytes it decoded", () => {
    const bytes = encodeEnvelope(envelope({ type: "ResultDelivered" }));
    expect(decodeEnvelope(bytes).digest).to.equal(createHash("sha256").update(bytes).digest("hex"));
  });
});

describe("envelope: the actor (经办人)", () => {
  const actor = { staffId: "GZ-0042", displayName: "李娜", kind: "staff", role: "handler" } as const;

  it("round-trips the actor and leaves it out when there is none", () => {
    const accepted: EventPayload = { type: "CaseAccepted", deadline: "2026-11-20" };
    expect(decodeEnvelope(encodeEnvelope(envelope(accepted, { actor }))).actor).to.deep.equal(actor);
    expect(decodeEnvelope(encodeEnvelope(envelope(accepted)))).not.to.have.property("actor");
  });

  it("is part of the bytes the source signs", () => {
    const e = submittedEnvelope("01JCXF7M3N9P2Q4R6S8T0V1W3X", personCase(), { actor });
    const parts = unseal(signedEnvelope(e));
    expect(parts).not.to.equal(undefined);
    expect(decodeEnvelope(parts?.unsigned as Uint8Array).actor).to.deep.equal(actor);
  });

  it("refuses an actor of an unknown kind", () => {
    const bytes = encodeEnvelope(
      envelope(
        { type: "CaseAccepted", deadline: "2026-11-20" },
        { actor: { ...actor, kind: "robot" as "staff" } },
      ),
    );
    expect(decodeError(bytes).message).to.include("actor.kind");
  });
});

describe("envelope: refusals", () => {
  it("refuses random bytes with INVALID_ARGUMENT", () => {
    for (const seed of [1, 42, 20261102, 0xdeadbeef]) {
      const err = decodeError(pseudoRandomBytes(seed, 96));
      expect(err.code, `seed ${seed}`).to.equal(ErrorCode.INVALID_ARGUMENT);
      expect(err.retriable).to.equal(false);
    }
  });

  it("refuses a truncated envelope with INVALID_ARGUMENT", () => {
    const bytes = encodeEnvelope(envelope({ type: "CaseSubmitted", case: personCase() }));
    const err = decodeError(bytes.slice(0, bytes.length - 20));
    expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
  });

  it("refuses schemaVersion 2 naming the schema version", () => {
    const bytes = encodeEnvelope(envelope({ type: "ResultDelivered" }, { schemaVersion: 2 }));
    const err = decodeError(bytes);
    expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).to.match(/schema version 2/);
  });

  it("never repeats a malformed record's bytes in its message: they may hold a whole case", () => {
    const c = personCase();
    const bytes = encodeEnvelope(envelope({ type: "CaseSubmitted", case: c }));
    // The record's bytes from the payload on (field 20: tag 0xa2 0x01, then a varint length):
    // a CaseSubmitted read as an envelope puts the case's bytes where the event id belongs.
    let at = bytes.findIndex((b, i) => b === 0xa2 && bytes[i + 1] === 0x01) + 2;
    while ((bytes[at] ?? 0) & 0x80) at++;
    const err = decodeError(bytes.subarray(at + 1));
    expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).to.match(/^invalid envelope \(no valid event id\): /);
    const person = "person" in c.applicant ? c.applicant.person : undefined;
    for (const secret of [c.caseId, person?.name, person?.idNumber, c.delivery?.address]) {
      expect(err.message).not.to.include(String(secret));
    }
  });

  it("refuses ids and region codes of another shape, naming the field but not the value", () => {
    const mobile = "13807311234";
    const address = "湖南省长沙市岳麓区麓山南路932号";
    const cases: [Partial<Envelope>, RegExp, string][] = [
      [{ caseId: mobile }, /: caseId must be 26 characters of 0-9 and A-Z/, mobile],
      [
        { eventId: address },
        /^invalid envelope \(no valid event id\): eventId must be 26 characters/,
        address,
      ],
      [{ sourceRegion: address }, /: sourceRegion must be a six-digit GB\/T 2260 division code/, address],
      [{ targetRegion: mobile }, /: targetRegion must be a six-digit GB\/T 2260 division code/, mobile],
    ];
    for (const [overrides, expected, secret] of cases) {
      const err = decodeError(encodeEnvelope(envelope({ type: "ResultDelivered" }, overrides)));
      expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
      expect(err.message).to.match(expected);
      expect(err.message).not.to.include(secret);
    }
  });

  it("the inbox's check does not name the id a submitted case carries, which no one has checked", () => {
    const c = { ...personCase(), caseId: "李秀英 13807311234" };
    const env = decodeEnvelope(encodeEnvelope(envelope({ type: "CaseSubmitted", case: c })));
    expect(() => checkEnvelope(env, "440100"))
      .to.throw(XrError, /carries another case than the envelope's 01/)
      .that.satisfies((e: XrError) => !e.message.includes("13807311234") && !e.message.includes("李秀英"));
  });

  it("refuses an envelope without a case ID", () => {
    const err = decodeError(encodeEnvelope(envelope({ type: "ResultDelivered" }, { caseId: "" })));
    expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
  });
});
