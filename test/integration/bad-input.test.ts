/**
 * Bad input gets a 4xx in the documented error shape naming the offending
 * field, and changes nothing: no case stored, no event published.
 */
import { expect } from "chai";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { creditCode, pensionTransfer, residentId } from "../helpers/fixtures.js";

describe("bad input is refused and changes nothing", () => {
  let t: TestFederation;
  let cs: string;
  before(async () => {
    t = await startTestFederation();
    cs = t.url("430100");
  });
  after(async () => {
    await t.stop();
  });

  async function snapshot() {
    const [a, b] = await Promise.all([
      call("GET", `${cs}/cases?limit=500`),
      call("GET", `${t.url("440100")}/cases?limit=500`),
    ]);
    const pending = await t.fed.regions.get("430100")?.context.store.pendingOutbox(10);
    return {
      cs: a.body.cases.length,
      gz: b.body.cases.length,
      records: t.bus.recordCount(),
      outbox: pending?.length,
    };
  }

  async function expectRefused(
    body: unknown,
    status: number,
    code: string,
    path: string,
    headers: Record<string, string> = {},
    url = `${cs}/cases`,
  ) {
    const before = await snapshot();
    const r = await call("POST", url, body, headers);
    expect(r.status, JSON.stringify(r.body)).to.equal(status);
    expect(r.body.error.code).to.equal(code);
    expect(r.body.error.message).to.be.a("string").and.not.equal("");
    expect(r.body.error.details.map((d: { path: string }) => d.path)).to.include(path);
    await new Promise((res) => setTimeout(res, 100));
    expect(await snapshot()).to.deep.equal(before);
  }

  const body = () => pensionTransfer();

  it("malformed JSON → 400 naming the body", async () => {
    await expectRefused('{"mode": "REMOTE_INTAKE", ', 400, "INVALID_ARGUMENT", "(body)");
  });

  it("a resident ID with a wrong check character → 400 at applicant.person.idNumber", async () => {
    const b = body();
    const id: string = b.applicant.person.idNumber;
    b.applicant.person.idNumber = id.slice(0, 17) + (id[17] === "1" ? "2" : "1");
    await expectRefused(b, 400, "INVALID_ARGUMENT", "applicant.person.idNumber");
  });

  it("a credit code with a wrong check character → 400 at applicant.organization.creditCode", async () => {
    const code = creditCode();
    const wrong = code.slice(0, 17) + (code[17] === "0" ? "1" : "0");
    const b = {
      ...body(),
      matterCode: "XR-SC-001",
      applicant: {
        organization: { name: "长沙湘江智造科技有限公司", creditCode: wrong, legalRepresentative: "周建国" },
      },
    };
    await expectRefused(b, 400, "INVALID_ARGUMENT", "applicant.organization.creditCode");
  });

  it("an unknown region → 400 at handlingRegion", async () => {
    await expectRefused({ ...body(), handlingRegion: "990100" }, 400, "INVALID_ARGUMENT", "handlingRegion");
  });

  it("an unknown matter → 400 at matterCode", async () => {
    await expectRefused({ ...body(), matterCode: "XR-SB-999" }, 400, "INVALID_ARGUMENT", "matterCode");
  });

  it("a matter outside the cooperation agreement → 403 at matterCode", async () => {
    // A matter 广州 implements, for persons, by remote intake, that the 长沙 → 广州 agreement leaves out.
    const fed = t.fed.config.federation;
    const agreed = fed.agreements.get("430100>440100")?.matters;
    const outside = [...(t.fed.config.catalogs.get("440100")?.byCode.values() ?? [])].find(
      (m) => !agreed?.has(m.code) && m.applicant === "PERSON" && m.modes.includes("REMOTE_INTAKE"),
    );
    if (!outside) throw new Error("fixture: every 广州 matter is agreed; the agreement should not cover all");
    const materials = outside.materials
      .filter((m) => m.required)
      .map((m) => ({ ...body().materials[0], materialCode: m.materialCode, name: m.name }));
    await expectRefused(
      { ...body(), matterCode: outside.code, materials },
      403,
      "PERMISSION_DENIED",
      "matterCode",
    );
  });

  it("a mode the matter does not allow → 400 at mode", async () => {
    await expectRefused(
      { ...body(), mode: "MULTI_REGION", collaboratingRegions: ["430100"] },
      400,
      "INVALID_ARGUMENT",
      "mode",
    );
  });

  it("an unknown field → 400 naming it", async () => {
    await expectRefused({ ...body(), urgent: true }, 400, "INVALID_ARGUMENT", "urgent");
  });

  it("an oversized body → 413 naming the body", async () => {
    const b = body();
    b.applicant.person.name = "张".repeat(300_000);
    await expectRefused(b, 413, "PAYLOAD_TOO_LARGE", "(body)");
  });

  it("an illegal transition → 409 at type, and the case is unchanged", async () => {
    const submitted = await call("POST", `${cs}/cases`, body());
    const caseId = submitted.body.caseId;
    const gzCase = await waitForStatus(t, "440100", caseId, "FORWARDED");
    const gz = t.url("440100");
    await expectRefused(
      { type: "mail", courier: "顺丰速运", waybillNo: "SF1234567890" },
      409,
      "FAILED_PRECONDITION",
      "type",
      {},
      `${gz}/cases/${caseId}/actions`,
    );
    await expectRefused(
      { type: "accept" },
      403,
      "PERMISSION_DENIED",
      "type",
      {},
      `${cs}/cases/${caseId}/actions`,
    );
    const after = await call("GET", `${gz}/cases/${caseId}`);
    expect(after.body.version).to.equal(gzCase.version);
    expect(after.body.status).to.equal("FORWARDED");
    const events = await call("GET", `${gz}/cases/${caseId}/events`);
    expect(events.body.events).to.have.length(1);
  });

  it("courier or waybill filled in at intake → 400 at delivery.courier", async () => {
    const b = body();
    b.delivery.courier = "中国邮政EMS";
    await expectRefused(b, 400, "INVALID_ARGUMENT", "delivery.courier");
  });

  it("the same material twice → 400 at materials[1].materialCode", async () => {
    const b = body();
    b.materials = [b.materials[0], b.materials[0]];
    await expectRefused(b, 400, "INVALID_ARGUMENT", "materials[1].materialCode");
  });

  it("a resident ID with a birth date in the future → 400 at applicant.person.idNumber", async () => {
    const b = body();
    b.applicant.person.idNumber = residentId("430104", "20990101", "231");
    await expectRefused(b, 400, "INVALID_ARGUMENT", "applicant.person.idNumber");
  });

  it("a line break in a name → 400 at applicant.person.name", async () => {
    const b = body();
    b.applicant.person.name = "李秀英\n王";
    await expectRefused(b, 400, "INVALID_ARGUMENT", "applicant.person.name");
  });

  it("a collaborating region without an agreement on the matter → 403 at collaboratingRegions[0]", async () => {
    const fed = t.fed.config.federation;
    const candidate = [...(t.fed.config.catalogs.get("430100")?.byCode.values() ?? [])].find((m) => {
      const agreed = [fed.agreements.get("430100>440100"), fed.agreements.get("440100>430100")];
      return (
        m.modes.includes("MULTI_REGION") &&
        m.applicant === "PERSON" &&
        !agreed.some((a) => a?.matters.get(m.code)?.has("MULTI_REGION"))
      );
    });
    if (!candidate) throw new Error("fixture: every MULTI_REGION matter of 430100 is agreed with 440100");
    const materials = candidate.materials
      .filter((m) => m.required)
      .map((m) => ({ ...body().materials[0], materialCode: m.materialCode, name: m.name }));
    const b = {
      ...body(),
      mode: "MULTI_REGION",
      matterCode: candidate.code,
      handlingRegion: "430100",
      collaboratingRegions: ["440100"],
      materials,
    };
    await expectRefused(b, 403, "PERMISSION_DENIED", "collaboratingRegions[0]");
  });

  it("an empty subtask id → 400 at subtaskId", async () => {
    const submitted = await call("POST", `${cs}/cases`, body());
    await waitForStatus(t, "440100", submitted.body.caseId, "FORWARDED");
    const url = `${t.url("440100")}/cases/${submitted.body.caseId}/actions`;
    await expectRefused(
      { type: "complete-subtask", subtaskId: "   " },
      400,
      "INVALID_ARGUMENT",
      "subtaskId",
      {},
      url,
    );
  });

  it("a malformed path escape → 400, not 500", async () => {
    const r = await call("GET", `${cs}/cases/%E0%A4%A`);
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal("INVALID_ARGUMENT");
  });

  it("an unknown case → 404 in the error shape", async () => {
    const r = await call("GET", `${cs}/cases/01JZZZZZZZZZZZZZZZZZZZZZZZ`);
    expect(r.status).to.equal(404);
    expect(r.body.error.code).to.equal("NOT_FOUND");
  });

  it("a bad query parameter → 400 naming it", async () => {
    const r = await call("GET", `${cs}/cases?status=DONE`);
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].path).to.equal("status");
  });
});
