/**
 * Property-based tests (fast-check) of every parser of outside input, each
 * over at least 10,000 generated inputs: REST bodies, gRPC requests,
 * envelopes from the bus and catalog files. For each input: no crash (only
 * the gateway's own error, naming a field or a reason), and a refused input
 * writes nothing. The counts are printed with the results.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { AdapterError } from "../../adapters/sdk/errors.js";
import { loadConfig } from "../../gateway/config/load.js";
import { caseActionSchema, parseRequest, submitCaseSchema } from "../../gateway/contract/requests.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { packageDefinition } from "../../gateway/transports/grpc/loader.js";
import { actOnCase } from "../../gateway/usecases/act-on-case.js";
import { submitCase } from "../../gateway/usecases/submit-case.js";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer, uploadFixtureMaterials } from "../helpers/fixtures.js";

const RUNS = 10_000;

/** A valid body with one path set to an arbitrary value (or removed). */
function mutated(base: () => Record<string, unknown>, paths: readonly string[]) {
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.option(fc.anything({ maxDepth: 2 }), { nil: undefined }),
      fc.boolean(),
    )
    .map(([path, value, remove]) => {
      const body = structuredClone(base());
      const keys = path.split(".");
      let node: Record<string, unknown> = body;
      for (const k of keys.slice(0, -1)) {
        const next = node[k];
        if (next === null || typeof next !== "object") return body;
        node = next as Record<string, unknown>;
      }
      const last = keys[keys.length - 1] as string;
      if (remove) delete node[last];
      else node[last] = value;
      return body;
    });
}

const SUBMIT_PATHS = [
  "mode",
  "matterCode",
  "intakeRegion",
  "handlingRegion",
  "applicant",
  "applicant.person",
  "applicant.person.name",
  "applicant.person.idNumber",
  "applicant.person.mobile",
  "applicant.organization",
  "materials",
  "materials.0",
  "materials.0.sha256",
  "materials.0.sizeBytes",
  "materials.0.materialCode",
  "materials.0.mediaType",
  "delivery",
  "delivery.method",
  "delivery.mobile",
  "delivery.address",
  "delivery.postalCode",
  "collaboratingRegions",
  "unknownField",
];

/** Only the gateway's own refusal, with a path or a reason: anything else is a crash. */
function expectClearRefusal(err: unknown): void {
  if (!(err instanceof XrError)) throw err;
  expect([
    ErrorCode.INVALID_ARGUMENT,
    ErrorCode.PERMISSION_DENIED,
    ErrorCode.NOT_FOUND,
    ErrorCode.FAILED_PRECONDITION,
  ]).to.include(err.code);
  expect(err.message.length).to.be.greaterThan(0);
}

describe("property: parsers of outside input never crash, refuse clearly and write nothing", function () {
  this.timeout(600_000);
  let t: TestFederation;
  let cs: RegionHandle;
  let gz: RegionHandle;
  const counts: string[] = [];
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    cs = t.fed.regions.get("430100") as RegionHandle;
    gz = t.fed.regions.get("440100") as RegionHandle;
    await uploadFixtureMaterials(t.url("430100"), pensionTransfer());
  });
  after(async () => {
    await t.stop();
    process.stdout.write(`      property runs: ${counts.join("; ")}\n`);
  });

  /** What a write would change: the newest case, its version, and the outbox's length. */
  const ledgerSize = async (r: RegionHandle) => {
    const [newest] = await r.context.store.listCases({ limit: 1, offset: 0 });
    const outbox = await r.context.store.pendingOutbox(10_000);
    return `${newest?.caseId ?? "-"}@${newest?.version ?? 0}/${outbox.length}`;
  };

  it(`REST body of POST /cases: ${RUNS} arbitrary and mutated bodies through parse, checks and submit`, async () => {
    let refused = 0;
    let accepted = 0;
    const body = fc.oneof(
      { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
      { weight: 4, arbitrary: mutated(pensionTransfer, SUBMIT_PATHS) },
    );
    await fc.assert(
      fc.asyncProperty(body, async (input) => {
        const before = await ledgerSize(cs);
        try {
          await submitCase(cs.context, parseRequest(submitCaseSchema, input), { traceparent: "" });
          accepted++;
        } catch (err) {
          expectClearRefusal(err);
          refused++;
          expect(await ledgerSize(cs), "a refused body wrote something").to.equal(before);
        }
      }),
      { numRuns: RUNS },
    );
    counts.push(`REST submit ${refused} refused + ${accepted} accepted`);
    expect(refused + accepted).to.equal(RUNS);
  });

  it(`REST body of POST /cases/{id}/actions: ${RUNS} arbitrary actions against a live case`, async () => {
    const created = await submitCase(cs.context, parseRequest(submitCaseSchema, pensionTransfer()), {
      traceparent: "",
    });
    const caseId = created.state.caseId;
    const action = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record(
        {
          type: fc.constantFrom(
            "accept",
            "reject",
            "withdraw",
            "note",
            "supplement",
            "decide",
            "mail",
            "bogus",
          ),
          reason: fc.string(),
          note: fc.string(),
          approved: fc.anything(),
          materials: fc.anything({ maxDepth: 2 }),
          courier: fc.string(),
        },
        { requiredKeys: ["type"] },
      ),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(action, async (input) => {
        const before = await ledgerSize(cs);
        const version = (await cs.context.store.getCase(caseId))?.version;
        try {
          await actOnCase(cs.context, caseId, parseRequest(caseActionSchema, input), { traceparent: "" });
        } catch (err) {
          expectClearRefusal(err);
          refused++;
          expect(await ledgerSize(cs)).to.equal(before);
          expect((await cs.context.store.getCase(caseId))?.version).to.equal(version);
        }
      }),
      { numRuns: RUNS },
    );
    counts.push(`REST action ${refused} refused of ${RUNS}`);
  });

  it(`gRPC SubmitCaseRequest: ${RUNS} arbitrary byte strings and field sets through the wire decoder and submit`, async () => {
    // The very (de)serializers grpc-js uses for the method, from the gateway's package definition.
    const method = (
      packageDefinition()["xr.v1.CaseExchange"] as Record<
        string,
        { requestDeserialize: (b: Buffer) => unknown; requestSerialize: (o: unknown) => Buffer }
      >
    ).SubmitCase;
    if (!method) throw new Error("SubmitCase is not in the package definition");
    const deserialize = (b: Buffer) => method.requestDeserialize(b);
    const serialize = (o: unknown) => method.requestSerialize(o);
    let undecodable = 0;
    let refused = 0;
    let accepted = 0;
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      mutated(pensionTransfer, SUBMIT_PATHS).map((o) => {
        try {
          return serialize(o);
        } catch {
          return Buffer.from(JSON.stringify(o));
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        let request: unknown;
        try {
          request = deserialize(bytes);
        } catch {
          undecodable++; // grpc-js answers INTERNAL "failed to parse" before any handler runs
          return;
        }
        const before = await ledgerSize(cs);
        try {
          await submitCase(cs.context, parseRequest(submitCaseSchema, request), { traceparent: "" });
          accepted++;
        } catch (err) {
          expectClearRefusal(err);
          refused++;
          expect(await ledgerSize(cs)).to.equal(before);
        }
      }),
      { numRuns: RUNS },
    );
    counts.push(`gRPC ${undecodable} undecodable + ${refused} refused + ${accepted} accepted`);
  });

  it(`envelopes from the bus: ${RUNS} arbitrary and bit-flipped records through the inbox`, async () => {
    const genuine = t.bus.read("xr.v1.intake.440100");
    expect(genuine.length).to.be.greaterThan(0);
    const record = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.tuple(fc.nat(genuine.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([i, at, xor]) => {
        const v = Buffer.from(genuine[i]?.value ?? new Uint8Array());
        const pos = at % v.length;
        v[pos] = (v[pos] ?? 0) ^ xor;
        return new Uint8Array(v);
      }),
    );
    const outcomes: Record<string, number> = {};
    let n = 0;
    await fc.assert(
      fc.asyncProperty(record, async (value) => {
        const before = await ledgerSize(gz);
        const outcome = await receive(gz.context, {
          topic: "xr.v1.intake.440100",
          partition: 0,
          offset: n++,
          key: "fuzz",
          value,
          headers: { "xr-source": "430100" },
        });
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        // An altered or random envelope must never apply: every byte is covered by the signature.
        expect(outcome).to.be.oneOf(["dead-lettered", "duplicate"]);
        expect(await ledgerSize(gz)).to.equal(before);
      }),
      { numRuns: RUNS },
    );
    counts.push(`envelopes ${JSON.stringify(outcomes)}`);
  });

  for (const region of ["430100", "440100", "420100", "360100", "430181"]) {
    it(`catalog file of ${region}: ${RUNS} arbitrary and mutated files through the adapter`, async () => {
      // The adapter as a gateway hosting the region loads it (this suite's federation hosts two regions).
      const config = await loadConfig(join(PROJECT_ROOT, "config"), join(PROJECT_ROOT, "adapters"), [region]);
      const entry = config.adapters.get(region);
      if (!entry) throw new Error(`no adapter for ${region}`);
      const { adapter, ctx } = entry;
      const original = readFileSync(join(PROJECT_ROOT, "adapters", region, adapter.catalogFile));
      let refused = 0;
      const file = fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc
          .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.boolean())
          .map(([at, bytes, cut]) => {
            const pos = at % original.length;
            if (cut) return new Uint8Array(original.subarray(0, pos));
            const copy = Buffer.from(original);
            copy.set(bytes.subarray(0, Math.max(0, copy.length - pos)), pos);
            return new Uint8Array(copy);
          }),
      );
      fc.assert(
        fc.property(file, (raw) => {
          try {
            adapter.parseCatalog(raw, ctx);
          } catch (err) {
            refused++;
            // A clear error: the adapter's own, with a code and where, not a TypeError from reading what is not there.
            if (!AdapterError.is(err)) throw err;
            expect(err.problems.length).to.be.greaterThan(0);
            for (const p of err.problems) expect(p.message.length).to.be.greaterThan(0);
          }
        }),
        { numRuns: RUNS },
      );
      counts.push(`catalog ${region} ${refused} refused of ${RUNS}`);
    });
  }
});
