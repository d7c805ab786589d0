/**
 * The shared contract: the protos compile with protoc, and REST bodies are
 * the canonical proto3 JSON of their xr.v1 messages (every field name and
 * enum value exists in the proto, and survives a protobuf round trip).
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { protoRoot, xrType } from "../../gateway/codec/proto.js";
import { PROTO_DIR } from "../../gateway/paths.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

/** Empty repeated fields are the proto3 default: absent and [] mean the same. */
function dropEmptyArrays(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(dropEmptyArrays);
  if (o === null || typeof o !== "object") return o;
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => [k, dropEmptyArrays(v)]),
  );
}

/**
 * JSON → message → JSON. protobufjs drops names the message does not define
 * and rejects wrong enum strings, so equality proves the JSON is the mapping.
 */
function roundTrip(typeName: string, json: Record<string, unknown>): unknown {
  const T = xrType(typeName);
  return dropEmptyArrays(T.toObject(T.fromObject(json), { enums: String, longs: String }));
}

function stripTimes(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

describe("the xr.v1 contract", () => {
  it("compiles cleanly with protoc", () => {
    const files = readdirSync(join(PROTO_DIR, "xr/v1"))
      .filter((f) => f.endsWith(".proto"))
      .map((f) => `xr/v1/${f}`);
    expect(files).to.include.members([
      "xr/v1/common.proto",
      "xr/v1/events.proto",
      "xr/v1/case_exchange.proto",
    ]);
    let out: string;
    try {
      out = execFileSync("protoc", [`-I${PROTO_DIR}`, "--include_imports", "-o/dev/null", ...files], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      const e = err as { code?: string; stderr?: string };
      if (e.code === "ENOENT")
        throw new Error("protoc is not installed: apt-get install protobuf-compiler (.ci/run does)");
      throw new Error(`protoc failed:\n${e.stderr}`);
    }
    expect(out).to.equal("");
  });

  it("defines the services and RPC names partners code against", () => {
    const root = protoRoot();
    const rpcs = (name: string) => Object.keys(root.lookupService(`xr.v1.${name}`).methods).sort();
    expect(rpcs("CaseExchange")).to.deep.equal(
      [
        "ActOnCase",
        "FetchMaterial",
        "GetCase",
        "ListCaseEvents",
        "SubmitCase",
        "WatchCaseEvents",
        // Added for the anchored log (issue 19): checkpoints countersigned by partners, signed receipts.
        "GetCheckpoints",
        "SubmitCheckpoint",
        "SubmitReceipts",
      ].sort(),
    );
    expect(rpcs("MatterCatalog")).to.deep.equal(["GetMatter", "ListMatters"]);
  });

  describe("REST bodies are canonical proto3 JSON", () => {
    let t: TestFederation;
    before(async () => {
      t = await startTestFederation();
    });
    after(async () => {
      await t.stop();
    });

    it("SubmitCaseRequest, Case and CaseEvent survive a protobuf round trip unchanged", async () => {
      const req = pensionTransfer();
      expect(roundTrip("SubmitCaseRequest", req)).to.deep.equal(dropEmptyArrays(req));
      const created = await call("POST", `${t.url("430100")}/cases`, req);
      const c = created.body as Record<string, unknown>;
      const times = ["submittedAt", "updatedAt"];
      expect(roundTrip("Case", stripTimes(c, times))).to.deep.equal(dropEmptyArrays(stripTimes(c, times)));
      expect(c.submittedAt).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      await waitForStatus(t, "440100", String(c.caseId), "FORWARDED");
      await call("POST", `${t.url("440100")}/cases/${c.caseId}/actions`, {
        type: "reject",
        reason: "非本地参保人员",
      });
      const events = await call("GET", `${t.url("440100")}/cases/${c.caseId}/events`);
      const rejected = events.body.events[1] as Record<string, unknown>;
      expect(roundTrip("CaseEvent", stripTimes(rejected, ["occurredAt"]))).to.deep.equal(
        dropEmptyArrays(stripTimes(rejected, ["occurredAt"])),
      );
    });

    it("serves health, readiness, Prometheus metrics and an OpenAPI document of every REST path", async () => {
      const root = t.url("430100").replace(/\/api\/v1$/, "");
      expect((await call("GET", `${root}/healthz`)).body.status).to.equal("ok");
      const ready = await call("GET", `${root}/readyz`);
      expect(ready.status).to.equal(200);
      expect(ready.body).to.include({ ready: true, store: true, bus: true });
      expect(ready.body.breakers.bus).to.equal("closed");
      await call("GET", `${t.url("430100")}/regions`);
      const metrics = await fetch(`${root}/metrics`).then((r) => r.text());
      expect(metrics).to.match(
        /xr_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/regions"[^}]*\} [1-9]/,
      );
      expect(metrics).to.include("xr_events_received_total");
      const doc = (await call("GET", `${t.url("430100")}/openapi.json`)).body;
      expect(doc.openapi).to.match(/^3\.1/);
      expect(Object.keys(doc.paths)).to.include.members([
        "/api/v1/regions",
        "/api/v1/regions/{code}/matters",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/events",
        "/api/v1/cases/{id}/actions",
      ]);
      const submit = doc.paths["/api/v1/cases"].post.requestBody.content["application/json"].schema;
      expect(submit.required).to.include.members([
        "mode",
        "matterCode",
        "intakeRegion",
        "handlingRegion",
        "applicant",
      ]);
    });

    it("Matter and CaseAction bodies use proto field names", async () => {
      const page = await call("GET", `${t.url("430100")}/regions/440100/matters?pageSize=3`);
      expect(page.body.matters).to.have.length(3);
      for (const m of page.body.matters) expect(roundTrip("Matter", m)).to.deep.equal(dropEmptyArrays(m));
      const action = { type: "request-supplement", reason: "缺少盖章", materialCodes: ["CL-CBPZ"] };
      expect(roundTrip("CaseAction", action)).to.deep.equal(action);
      expect(roundTrip("CaseAction", { ...action, urgency: "high" })).to.deep.equal(action);
    });
  });
});
