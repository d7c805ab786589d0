/**
 * The foundation's acceptance scenario through the REST API only, written
 * once and run over every transport: a 长沙 window takes in a pension
 * transfer that 广州 decides, with a supplement round, and both ledgers show
 * every step in order.
 */
import { expect } from "chai";
import { call, eventually } from "./federation.js";
import { material, pensionTransfer } from "./fixtures.js";

/** The timeline both ledgers must show, as [type, source region]. */
export const EXPECTED_TIMELINE = [
  ["CaseSubmitted", "430100"],
  ["CaseAccepted", "440100"],
  ["SupplementRequested", "440100"],
  ["SupplementProvided", "430100"],
  ["CaseDecided", "440100"],
  ["ResultMailed", "440100"],
  ["ResultDelivered", "440100"],
];

/** Waits until the region behind `api` holds the case in `status`; returns the case. */
export async function statusAt(api: string, caseId: string, status: string, ms = 20_000): Promise<any> {
  return eventually(
    async () => {
      const r = await call("GET", `${api}/cases/${caseId}`);
      return r.status === 200 && r.body.status === status ? r.body : undefined;
    },
    `${api} to hold case ${caseId} as ${status}`,
    ms,
  );
}

/** Runs the scenario; `api(region)` is that region's `/api/v1` base URL. Returns the case id. */
export async function takeCaseToDelivery(api: (region: string) => string): Promise<string> {
  const submitted = await call("POST", `${api("430100")}/cases`, pensionTransfer(), {
    "Idempotency-Key": `win-07-${Date.now()}`,
  });
  expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
  const caseId: string = submitted.body.caseId;
  expect(caseId).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  expect(submitted.body.receiptNo).to.match(/^430100\d{8}[0-9A-Z]{6}$/);
  expect(submitted.body.status).to.equal("SUBMITTED");
  expect(submitted.body.deadline).to.match(/^\d{4}-\d{2}-\d{2}$/);

  const arrived = await statusAt(api("440100"), caseId, "FORWARDED");
  expect(arrived.matterName).to.equal("基本养老保险关系转移接续");
  await statusAt(api("430100"), caseId, "FORWARDED");

  const act = async (region: string, action: Record<string, unknown>) => {
    const r = await call("POST", `${api(region)}/cases/${caseId}/actions`, action);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body;
  };
  expect((await act("440100", { type: "accept" })).status).to.equal("ACCEPTED");
  await act("440100", {
    type: "request-supplement",
    reason: "参保缴费凭证缺少社保经办机构印章",
    materialCodes: ["CL-CBPZ"],
  });
  await statusAt(api("430100"), caseId, "SUPPLEMENT_REQUESTED");
  await act("430100", { type: "supplement", materials: [material("CL-CBPZ", "参保缴费凭证（已盖章）")] });
  await statusAt(api("440100"), caseId, "ACCEPTED");
  await act("440100", { type: "decide", approved: true });
  await act("440100", { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" });
  await act("440100", { type: "deliver" });

  const final = await statusAt(api("430100"), caseId, "DELIVERED");
  expect(final.approved).to.equal(true);
  expect(final.delivery.waybillNo).to.equal("1151234567890");
  const supplemented = final.materials.find((m: { materialCode: string }) => m.materialCode === "CL-CBPZ");
  expect(supplemented.name).to.equal("参保缴费凭证（已盖章）");
  for (const region of ["430100", "440100"]) {
    const events = await call("GET", `${api(region)}/cases/${caseId}/events`);
    expect(events.status).to.equal(200);
    const steps = events.body.events.map((e: { type: string; sourceRegion: string }) => [
      e.type,
      e.sourceRegion,
    ]);
    expect(steps, region).to.deep.equal(EXPECTED_TIMELINE);
    expect(events.body.events.at(-1).statusAfter).to.equal("DELIVERED");
  }
  const listed = await call("GET", `${api("430100")}/cases?status=DELIVERED&region=440100`);
  expect(listed.body.cases.map((c: { caseId: string }) => c.caseId)).to.include(caseId);
  return caseId;
}
