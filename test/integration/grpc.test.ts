/**
 * The partner interface over gRPC, called by a client that loads the .proto
 * files on its own (test/helpers/grpc-client.ts): every RPC, streaming with
 * resume, each error status, health and reflection, and mutual TLS.
 */
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeys } from "../../gateway/security/keys-dir.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { residentId } from "../helpers/fixtures.js";
import { type Clients, clients, errorBody, failure, grpc, unary } from "../helpers/grpc-client.js";
import { authFor } from "../helpers/staff.js";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("gRPC: CaseExchange and MatterCatalog for a client built from the .proto files alone", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let keysDir: string;
  let cs: Clients; // 长沙's own systems at 长沙's gateway
  let gzAtCs: Clients; // 广州's gateway calling 长沙's
  let gz: Clients; // 广州's own systems at 广州's gateway
  const scan = Buffer.from("%PDF-1.4 居民身份证 扫描件\n".repeat(50));
  const scan2 = Buffer.from("%PDF-1.4 参保缴费凭证 扫描件\n".repeat(80));
  const scan3 = Buffer.from("%PDF-1.4 参保缴费凭证（已盖章）扫描件\n".repeat(90));

  const address = (region: string) => t.fed.regions.get(region)?.grpcAddress as string;

  async function upload(region: string, bytes: Buffer): Promise<any> {
    const res = await fetch(`${t.url(region)}/materials`, {
      method: "POST",
      headers: { "content-type": "application/pdf", ...authFor(t.url(region), "clerk") },
      body: bytes,
    });
    expect(res.status).to.equal(201);
    return res.json();
  }

  function submitRequest(materials: object[]): object {
    // snake_case: this client loads the protos with keepCase.
    return {
      mode: "REMOTE_INTAKE",
      matter_code: "XR-SB-001",
      intake_region: "430100",
      handling_region: "440100",
      applicant: { person: { name: "李秀英", id_number: residentId(), mobile: "13807311234" } },
      materials,
      delivery: {
        method: "MAIL",
        recipient: "李秀英",
        mobile: "13807311234",
        address: "湖南省长沙市岳麓区麓山南路932号",
        postal_code: "410012",
      },
    };
  }

  before(async () => {
    t = await startTestFederation();
    keysDir = join(t.dataDir, "keys");
    cs = clients(address("430100"), { keysDir, region: "430100" });
    gzAtCs = clients(address("430100"), { keysDir, region: "440100" });
    gz = clients(address("440100"), { keysDir, region: "440100" });
  });
  after(async () => {
    for (const c of [cs, gzAtCs, gz]) c?.close();
    await t?.stop();
  });

  let caseId = "";
  let stored: any;

  it("SubmitCase records a case for the region's own systems, replaying a repeated idempotency-key", async () => {
    stored = await upload("430100", scan);
    expect(stored.sha256).to.equal(sha256(scan));
    const second = await upload("430100", scan2);
    const req = submitRequest([
      {
        material_code: "CL-CBPZ",
        name: "参保缴费凭证",
        sha256: second.sha256,
        size_bytes: second.sizeBytes,
        media_type: "application/pdf",
      },
      {
        material_code: "CL-SFZ",
        name: "居民身份证",
        sha256: stored.sha256,
        size_bytes: stored.sizeBytes,
        media_type: "application/pdf",
      },
    ]);
    const first = await unary(cs.caseExchange, "SubmitCase", req, {
      metadata: { "idempotency-key": "grpc-0001" },
    });
    expect(first.case_id).to.match(/^[0-9A-Z]{26}$/);
    expect(first.status).to.equal("SUBMITTED");
    expect(first.applicant.person.name).to.equal("李秀英");
    expect(Number(first.submitted_at.seconds)).to.be.closeTo(Date.now() / 1000, 60);
    const again = await unary(cs.caseExchange, "SubmitCase", req, {
      metadata: { "idempotency-key": "grpc-0001" },
    });
    expect(again.case_id).to.equal(first.case_id);
    caseId = first.case_id;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
  });

  it("GetCase and ListCaseEvents serve a partner that is party to the case", async () => {
    const c = await unary(gzAtCs.caseExchange, "GetCase", { case_id: caseId });
    expect(c).to.include({ case_id: caseId, matter_code: "XR-SB-001", handling_region: "440100" });
    const { events } = await unary(gzAtCs.caseExchange, "ListCaseEvents", { case_id: caseId });
    expect(events.map((e: any) => e.type)).to.deep.equal(["CaseSubmitted"]);
    expect(events[0].payload).to.equal("case_submitted");
    expect(events[0].case_submitted.case.case_id).to.equal(caseId);
  });

  it("FetchMaterial streams a material of the case in chunks that hash to its sha256", async () => {
    const chunks: any[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = gzAtCs.caseExchange.FetchMaterial({ case_id: caseId, sha256: stored.sha256 });
      s.on("data", (c: any) => chunks.push(c));
      s.on("error", reject);
      s.on("end", resolve);
    });
    const bytes = Buffer.concat(chunks.map((c) => c.data));
    expect(sha256(bytes)).to.equal(stored.sha256);
    expect(chunks[0]).to.include({
      offset: "0",
      total_size: String(scan.byteLength),
      media_type: "application/pdf",
    });
  });

  it("the handling region fetched its own verified copy of the material", async () => {
    const gzRegion = t.fed.regions.get("440100");
    await gzRegion?.materialFetcher.idle();
    const copy = await gzRegion?.context.materials.stat(stored.sha256);
    expect(copy).to.deep.equal({
      sha256: stored.sha256,
      sizeBytes: scan.byteLength,
      mediaType: "application/pdf",
    });
  });

  it("ActOnCase applies the region's own action; WatchCaseEvents streams the timeline and resumes after a position", async () => {
    const seen: string[] = [];
    const stream = gz.caseExchange.WatchCaseEvents({ case_id: caseId, after: 0 });
    const got = new Promise<void>((resolve, reject) => {
      stream.on("data", (e: any) => {
        seen.push(e.type);
        if (seen.length === 3) resolve();
      });
      stream.on("error", (err: any) => (err.code === grpc.status.CANCELLED ? undefined : reject(err)));
    });
    const accepted = await unary(gz.caseExchange, "ActOnCase", {
      case_id: caseId,
      action: { type: "accept" },
    });
    expect(accepted.status).to.equal("ACCEPTED");
    const supplement = await unary(gz.caseExchange, "ActOnCase", {
      case_id: caseId,
      action: { type: "request-supplement", reason: "参保缴费凭证缺失", material_codes: ["CL-CBPZ"] },
    });
    expect(supplement.status).to.equal("SUPPLEMENT_REQUESTED");
    await got; // the stream saw both live events without being asked again
    stream.cancel();
    expect(seen).to.deep.equal(["CaseSubmitted", "CaseAccepted", "SupplementRequested"]);

    // Resume: a new stream from position 1 gets only what came after.
    const resumed: string[] = [];
    const again = gz.caseExchange.WatchCaseEvents({ case_id: caseId, after: 1 });
    await new Promise<void>((resolve, reject) => {
      again.on("data", (e: any) => {
        resumed.push(e.type);
        if (resumed.length === 2) resolve();
      });
      again.on("error", (err: any) => (err.code === grpc.status.CANCELLED ? undefined : reject(err)));
    });
    again.cancel();
    expect(resumed).to.deep.equal(["CaseAccepted", "SupplementRequested"]);
  });

  it("a supplement's new material is fetched too, and old and new materials both stay fetchable", async () => {
    const s2 = await upload("430100", scan3);
    await waitForStatus(t, "430100", caseId, "SUPPLEMENT_REQUESTED"); // the request travels on the bus
    const r = await unary(cs.caseExchange, "ActOnCase", {
      case_id: caseId,
      action: {
        type: "supplement",
        materials: [
          {
            material_code: "CL-CBPZ",
            name: "参保缴费凭证",
            sha256: s2.sha256,
            size_bytes: s2.sizeBytes,
            media_type: "application/pdf",
          },
        ],
      },
    });
    expect(r.status).to.equal("ACCEPTED");
    await waitForStatus(t, "440100", caseId, "ACCEPTED");
    const gzRegion = t.fed.regions.get("440100");
    await gzRegion?.materialFetcher.idle();
    expect(await gzRegion?.context.materials.stat(s2.sha256)).to.include({ sizeBytes: scan3.byteLength });
    // The replaced scan is still served: it is in the case's timeline.
    const old = await new Promise<number>((resolve, reject) => {
      let n = 0;
      const st = gzAtCs.caseExchange.FetchMaterial({ case_id: caseId, sha256: sha256(scan2) });
      st.on("data", (c: any) => {
        n += c.data.length;
      });
      st.on("error", reject);
      st.on("end", () => resolve(n));
    });
    expect(old).to.equal(scan2.byteLength);
  });

  it("MatterCatalog lists with paging, keyword and mode filters, and gets one matter", async () => {
    const page1 = await unary(gzAtCs.catalog, "ListMatters", { region_code: "440100", page_size: 10 });
    expect(page1.matters).to.have.length(10);
    expect(page1.next_page_token).to.not.equal("");
    expect(page1.catalog_version).to.not.equal("");
    const page2 = await unary(gzAtCs.catalog, "ListMatters", {
      region_code: "440100",
      page_size: 10,
      page_token: page1.next_page_token,
    });
    expect(page2.matters[0].code).to.not.equal(page1.matters[0].code);
    const pension = await unary(gzAtCs.catalog, "ListMatters", { region_code: "440100", query: "养老" });
    expect(pension.matters.map((m: any) => m.code)).to.include("XR-SB-001");
    const remote = await unary(gzAtCs.catalog, "ListMatters", {
      region_code: "440100",
      mode: "MULTI_REGION",
    });
    expect(remote.matters.length).to.be.greaterThan(0);
    for (const m of remote.matters) expect(m.modes).to.include("MULTI_REGION");
    const one = await unary(gzAtCs.catalog, "GetMatter", { region_code: "440100", matter_code: "XR-SB-001" });
    expect(one).to.include({ code: "XR-SB-001", region_code: "440100" });
    expect(one.promised_days).to.be.greaterThan(0);
  });

  describe("errors a client can act on", () => {
    it("INVALID_ARGUMENT names the offending field paths, in the message and in xr-error-bin", async () => {
      const req: any = submitRequest([]);
      req.applicant.person.id_number = "430104198604122310"; // wrong check character
      req.delivery.postal_code = "41001";
      const err = await failure(unary(cs.caseExchange, "SubmitCase", req));
      expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(err.details).to.include("applicant.person.idNumber").and.include("delivery.postalCode");
      const paths = errorBody(err).details.map((d: any) => d.path);
      expect(paths).to.include.members(["applicant.person.idNumber", "delivery.postalCode"]);
      expect(errorBody(err).code).to.equal("INVALID_ARGUMENT");
    });

    it("INVALID_ARGUMENT for a material that was never uploaded, and nothing is recorded", async () => {
      const before = (await call("GET", `${t.url("430100")}/cases?limit=500`)).body.cases.length;
      const err = await failure(
        unary(
          cs.caseExchange,
          "SubmitCase",
          submitRequest([
            {
              material_code: "CL-CBPZ",
              name: "参保缴费凭证",
              sha256: sha256(scan2),
              size_bytes: String(scan2.byteLength),
              media_type: "application/pdf",
            },
            {
              material_code: "CL-SFZ",
              name: "居民身份证",
              sha256: sha256(Buffer.from("never sent")),
              size_bytes: "10",
              media_type: "application/pdf",
            },
          ]),
        ),
      );
      expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(
        errorBody(err).details.map((d: any) => d.path),
        err.details,
      ).to.deep.equal(["materials[1].sha256"]);
      expect((await call("GET", `${t.url("430100")}/cases?limit=500`)).body.cases.length).to.equal(before);
    });

    it("NOT_FOUND for an unknown case, and the same for a case the caller is not party to", async () => {
      const err = await failure(
        unary(gzAtCs.caseExchange, "GetCase", { case_id: "01J0000000000000000000000Z" }),
      );
      expect(err.code).to.equal(grpc.status.NOT_FOUND);
      expect(errorBody(err).details[0].path).to.equal("caseId");
      // 武汉 has an agreement with 长沙 but no part in this 长沙 → 广州 case: the same answer as for no case.
      const wuhan = clients(address("430100"), { keysDir, region: "420100" });
      const notParty = await failure(unary(wuhan.caseExchange, "GetCase", { case_id: caseId }));
      const notPartyMaterial = await failure(
        unary(wuhan.caseExchange, "ListCaseEvents", { case_id: caseId }),
      );
      wuhan.close();
      expect(notParty.code).to.equal(grpc.status.NOT_FOUND);
      expect(notParty.details).to.equal(err.details.replace("01J0000000000000000000000Z", caseId));
      expect(notPartyMaterial.code).to.equal(grpc.status.NOT_FOUND);
      const matter = await failure(
        unary(cs.catalog, "GetMatter", { region_code: "440100", matter_code: "XR-XX-999" }),
      );
      expect(matter.code).to.equal(grpc.status.NOT_FOUND);
    });

    it("FAILED_PRECONDITION for an illegal transition, which changes nothing", async () => {
      const err = await failure(
        unary(gz.caseExchange, "ActOnCase", { case_id: caseId, action: { type: "deliver" } }),
      );
      expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
      const c = await unary(gz.caseExchange, "GetCase", { case_id: caseId });
      expect(c.status).to.equal("ACCEPTED");
    });

    it("PERMISSION_DENIED when a partner tries to act on or file a case through another region's gateway", async () => {
      const act = await failure(
        unary(gzAtCs.caseExchange, "ActOnCase", {
          case_id: caseId,
          action: { type: "withdraw", reason: "x" },
        }),
      );
      expect(act.code).to.equal(grpc.status.PERMISSION_DENIED);
      const submit = await failure(unary(gzAtCs.caseExchange, "SubmitCase", submitRequest([])));
      expect(submit.code).to.equal(grpc.status.PERMISSION_DENIED);
    });

    it("DEADLINE_EXCEEDED ends a watch when the caller's deadline passes", async () => {
      const stream = gz.caseExchange.WatchCaseEvents(
        { case_id: caseId, after: 100 },
        { deadline: Date.now() + 300 },
      );
      const err = await new Promise<any>((resolve) => {
        stream.on("data", () => undefined);
        stream.on("error", resolve);
      });
      expect(err.code).to.equal(grpc.status.DEADLINE_EXCEEDED);
    });

    it("INVALID_ARGUMENT for a request without the case id", async () => {
      const err = await failure(unary(gz.caseExchange, "GetCase", {}));
      expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(errorBody(err).details[0].path).to.equal("caseId");
    });
  });

  it("health says SERVING for the server and each service", async () => {
    for (const service of ["", "xr.v1.CaseExchange", "xr.v1.MatterCatalog"]) {
      const r = await unary(cs.health, "Check", { service });
      expect(r.status, service).to.equal("SERVING");
    }
  });

  it("reflection lists the services and describes CaseExchange", async () => {
    const stream = cs.reflection.ServerReflectionInfo();
    const answers: any[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on("data", (a: any) => {
        answers.push(a);
        if (answers.length === 2) {
          stream.end();
          resolve();
        }
      });
      stream.on("error", reject);
    });
    stream.write({ list_services: "" });
    stream.write({ file_containing_symbol: "xr.v1.CaseExchange" });
    await done;
    const names = answers[0].list_services_response.service.map((s: any) => s.name);
    expect(names).to.include.members(["xr.v1.CaseExchange", "xr.v1.MatterCatalog", "grpc.health.v1.Health"]);
    expect(answers[1].file_descriptor_response.file_descriptor_proto.length).to.be.greaterThan(0);
  });

  describe("mutual TLS", () => {
    it("refuses a client without a certificate", async () => {
      const anon = clients(address("430100"), { keysDir });
      const err = await failure(
        unary(
          anon.catalog,
          "GetMatter",
          { region_code: "430100", matter_code: "XR-SB-001" },
          { deadlineMs: 3_000 },
        ),
      );
      anon.close();
      expect(err.code).to.equal(grpc.status.UNAVAILABLE);
    });

    it("refuses a certificate from another CA", async () => {
      const other = mkdtempSync(join(tmpdir(), "xr-other-ca-"));
      await generateKeys({ dir: other, federationName: "另一个联盟", regions: ["430100"] });
      // Trust our CA (so the server is accepted) but present the foreign certificate.
      const foreign = clients(address("430100"), {
        keysDir: other,
        region: "430100",
        caFile: join(keysDir, "ca.crt"),
      });
      const err = await failure(
        unary(
          foreign.catalog,
          "GetMatter",
          { region_code: "430100", matter_code: "XR-SB-001" },
          { deadlineMs: 3_000 },
        ),
      );
      foreign.close();
      expect(err.code).to.equal(grpc.status.UNAVAILABLE);
    });

    it("answers PERMISSION_DENIED to a federation-CA certificate of a region outside the agreements", async () => {
      await generateKeys({ dir: keysDir, federationName: "x", regions: ["450100"] }); // same CA, a region in no agreement
      const nanning = clients(address("430100"), { keysDir, region: "450100" });
      const err = await failure(unary(nanning.caseExchange, "GetCase", { case_id: caseId }));
      const catalog = await failure(unary(nanning.catalog, "ListMatters", { region_code: "430100" }));
      nanning.close();
      expect(err.code).to.equal(grpc.status.PERMISSION_DENIED);
      expect(catalog.code).to.equal(grpc.status.PERMISSION_DENIED);
      expect(err.details).to.include("450100");
    });

    it("serves the right region", async () => {
      const c = await unary(gzAtCs.caseExchange, "GetCase", { case_id: caseId });
      expect(c.case_id).to.equal(caseId);
    });
  });
});

describe("gRPC: a gateway whose ledger is gone", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let cs: Clients;
  before(async () => {
    t = await startTestFederation(["430100"]);
    cs = clients(t.fed.regions.get("430100")?.grpcAddress as string, {
      keysDir: join(t.dataDir, "keys"),
      region: "430100",
    });
  });
  after(async () => {
    cs?.close();
    await t?.stop();
  });

  it("answers UNAVAILABLE and health turns NOT_SERVING", async () => {
    const before = await unary(cs.health, "Check", { service: "xr.v1.CaseExchange" });
    expect(before.status).to.equal("SERVING");
    await t.fed.regions.get("430100")?.context.store.close();
    const err = await failure(unary(cs.caseExchange, "GetCase", { case_id: "01J0000000000000000000000Z" }));
    expect(err.code).to.equal(grpc.status.UNAVAILABLE);
    expect(errorBody(err).code).to.equal("UNAVAILABLE");
    // Health is re-read every 5 s.
    const status = await eventually(
      async () => {
        const r = await unary(cs.health, "Check", { service: "xr.v1.CaseExchange" });
        return r.status === "NOT_SERVING" ? r.status : undefined;
      },
      "health to turn NOT_SERVING",
      8_000,
    );
    expect(status).to.equal("NOT_SERVING");
  });
});
