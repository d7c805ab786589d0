/**
 * Issue 19, item 7: outside input that once crashed, corrupted or leaked.
 * JSON nested past any sensible depth is refused with 400 naming where,
 * before anything recurses over it (it was a 500 from a stack overflow);
 * a body that is not valid UTF-8 is refused (it was stored with U+FFFD);
 * a refused bus record's key and headers are kept only as hashes (a key
 * holding personal data was stored in the message log and used as the DLQ
 * key), and the log's `peer` is the verified envelope's source, never a
 * header. Each test fails on the code before the fix.
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { expect } from "chai";
import { encodeEnvelope } from "../../gateway/codec/envelope.js";
import { seal } from "../../gateway/codec/sealed.js";
import { MAX_JSON_DEPTH } from "../../gateway/contract/depth.js";
import { caseActionSchema, parseRequest } from "../../gateway/contract/requests.js";
import type { XrError } from "../../gateway/domain/errors.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import type { BusRecord } from "../../gateway/ports/bus.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { zhIssue } from "../../gateway/web/client/messages.js";
import { personCase, signedEnvelope, submittedEnvelope } from "../helpers/cases.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { personalDataIn } from "../helpers/log-scan.js";
import { authFor } from "../helpers/staff.js";

const MOBILE = "13924567788";
const ADDRESS = "广东省广州市天河区体育西路191号";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("outside input: depth, encoding, refused records (issue 19)", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let gz: RegionHandle;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    gz = t.fed.regions.get("440100") as RegionHandle;
  });
  after(async () => {
    await t?.stop();
  });

  const caseCount = async () => (await call("GET", `${t.url("430100")}/cases?limit=500`)).body.cases.length;

  describe("REST JSON bodies", () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

    it("refuses 100,000 nested arrays with 400 naming the path, not a 500 from a stack overflow", async () => {
      const before = await caseCount();
      const body = `{"mode":"REMOTE_INTAKE","applicant":${nested(100_000)}}`;
      const r = await call("POST", `${t.url("430100")}/cases`, body);
      expect(r.status, JSON.stringify(r.body)).to.equal(400);
      expect(r.body.error.code).to.equal("INVALID_ARGUMENT");
      const [detail] = r.body.error.details;
      expect(detail.path).to.match(/^applicant(\[0\])+$/);
      expect(detail.issue).to.match(/nested deeper than \d+ levels/);
      expect(await caseCount(), "nothing written").to.equal(before);
    });

    it("refuses deep nesting before an Idempotency-Key hashes the body", async () => {
      const body = `{"type":"accept","note":${nested(100_000)}}`;
      const r = await call("POST", `${t.url("440100")}/cases/01JNOSUCHCASE0000000000000/actions`, body, {
        "idempotency-key": "deep-0001",
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(400);
      expect(r.body.error.details[0].path).to.match(/^note(\[0\])+$/);
    });

    it("refuses deep nesting from any transport's request (parseRequest), and the page words it in Chinese", () => {
      let deep: unknown = "x";
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const err = (() => {
        try {
          parseRequest(caseActionSchema, { type: "note", note: deep });
        } catch (e) {
          return e as XrError;
        }
        throw new Error("expected a refusal");
      })();
      expect(err.code).to.equal("INVALID_ARGUMENT");
      expect(err.details[0]?.path).to.equal(`note${"[0]".repeat(MAX_JSON_DEPTH)}`);
      for (const issue of [
        err.details[0]?.issue ?? "",
        "is not valid UTF-8",
        "JSON must be encoded as UTF-8",
      ]) {
        expect(zhIssue(issue), issue).to.match(/[\u4e00-\u9fff]/);
      }
    });

    it("accepts what the contract nests (a case four levels deep)", async () => {
      const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    });

    it("refuses a body that is not valid UTF-8 with 400, and stores nothing", async () => {
      const before = await caseCount();
      const good = pensionTransfer();
      // Uploads its materials first (call does), then sends the same case with a broken name.
      await call("POST", `${t.url("430100")}/cases`, { ...good, applicant: { person: { name: "" } } });
      const json = Buffer.from(
        JSON.stringify({ ...good, applicant: { person: { ...good.applicant.person, name: "李#英" } } }),
      );
      const at = json.indexOf(Buffer.from("#"));
      const bytes = Buffer.concat([json.subarray(0, at), Buffer.from([0xe7, 0xa7]), json.subarray(at + 1)]);
      const url = `${t.url("430100")}/cases`;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...authFor(url) },
        body: bytes,
      });
      const answer = (await res.json()) as any;
      expect(res.status, JSON.stringify(answer)).to.equal(400);
      expect(answer.error.details[0], JSON.stringify(answer)).to.deep.include({ path: "(body)" });
      expect(answer.error.details[0].issue).to.match(/UTF-8/);
      expect(await caseCount(), "nothing written").to.equal(before);
    });
  });

  describe("refused bus records", () => {
    let offset = 1_000;
    const record = (value: Uint8Array, key: string, headers: Record<string, string>): BusRecord => ({
      topic: "xr.v1.intake.440100",
      partition: 0,
      offset: offset++,
      key,
      value,
      headers,
    });
    const lastDlq = () => t.bus.read("xr.v1.dlq.440100").at(-1);
    const lastLogged = async () => {
      const records = await gz.context.store.logRecords(0, 100_000);
      return records.at(-1);
    };

    it("keeps a refused record's key and headers only as hashes, in the message log and the DLQ", async () => {
      const key = `${MOBILE} ${ADDRESS}`;
      const headers = { "xr-source": MOBILE, "x-applicant-address": ADDRESS, traceparent: `00-${MOBILE}` };
      const outcome = await receive(gz.context, record(Buffer.from("not an envelope"), key, headers));
      expect(outcome).to.equal("dead-lettered");
      const logged = await lastLogged();
      expect(logged?.direction).to.equal("refused");
      expect(JSON.stringify({ ...logged, value: undefined }))
        .to.not.include(MOBILE)
        .and.not.include("体育西路");
      expect(logged?.caseId).to.equal(`sha256:${sha256(key)}`);
      const dlq = lastDlq();
      expect(dlq?.key).to.equal(`sha256:${sha256(key)}`);
      const shown = JSON.stringify(dlq?.headers);
      expect(shown).to.not.include(MOBILE).and.not.include("体育西路");
      expect(dlq?.headers["xr-dlq-reason"]).to.match(/^invalid: /);
      expect(dlq?.headers["xr-dlq-headers-sha256"]).to.match(/^[0-9a-f]{64}$/);
      for (const line of t.logs.map((l) => JSON.stringify(l))) expect(personalDataIn(line)).to.deep.equal([]);
    });

    it("logs a forged record's peer as unknown, not as its header claims", async () => {
      const at = new Date().toISOString();
      const c = personCase({ caseId: "01JFORGEDPEER0000000000000", submittedAt: at, updatedAt: at });
      const unsigned = encodeEnvelope(submittedEnvelope("01JFORGEDPEEREVT0000000000", c));
      const forged = seal(unsigned, sign(null, unsigned, generateKeyPairSync("ed25519").privateKey));
      const outcome = await receive(gz.context, record(forged, c.caseId, { "xr-source": "420100" }));
      expect(outcome).to.equal("dead-lettered");
      const logged = await lastLogged();
      expect(logged).to.deep.include({ direction: "refused", caseId: c.caseId, peer: "" });
      // The headers a genuine sender sets, when they are what the envelope says, are kept for operators.
      expect(lastDlq()?.headers["xr-source"]).to.equal(undefined);
    });

    it("logs a genuine but refused envelope's peer from the envelope, not the header", async () => {
      const at = new Date().toISOString();
      // 婚姻登记档案查询 in FULL_ONLINE: outside the 430100 → 440100 agreement.
      const c = personCase({
        caseId: "01JREFUSEDPEER000000000000",
        matterCode: "XR-HY-001",
        mode: "FULL_ONLINE",
        submittedAt: at,
        updatedAt: at,
      });
      const genuine = signedEnvelope(submittedEnvelope("01JREFUSEDPEEREVT000000000", c));
      const outcome = await receive(gz.context, record(genuine, c.caseId, { "xr-source": "420100" }));
      expect(outcome).to.equal("dead-lettered");
      expect(lastDlq()?.headers["xr-dlq-reason"]).to.match(/^agreement: /);
      expect(await lastLogged()).to.deep.include({ direction: "refused", caseId: c.caseId, peer: "430100" });
    });
  });
});
