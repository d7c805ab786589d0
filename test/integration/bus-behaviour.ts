/**
 * The bus behaviour suite, written once against the Bus port and run
 * unchanged for every transport (the embedded bus and Kafka): ordering per
 * key, redelivery, restart from the committed offset, consumer groups, and,
 * with the gateway's inbox on top, duplicate suppression and dead letters.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { SCHEMA_VERSION } from "../../gateway/codec/envelope.js";
import { WorkCalendar } from "../../gateway/domain/calendar.js";
import { HandlingMode } from "../../gateway/domain/case.js";
import type { EventPayload } from "../../gateway/domain/events.js";
import { dlqTopic, inboxTopics, topicFor } from "../../gateway/domain/events.js";
import { indexCatalog } from "../../gateway/domain/matter.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import type { Bus, BusRecord } from "../../gateway/ports/bus.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { ulidGenerator } from "../../gateway/runtime/ulid.js";
import {
  devKeyId,
  devPrivateKey,
  devRegistryKey,
  ed25519Signer,
  registryVerifier,
} from "../../gateway/security/ed25519.js";
import { FsMaterialStore } from "../../gateway/store/fs/material-files.js";
import { SqliteCatalogStore } from "../../gateway/store/sqlite/catalogs.js";
import { SqliteLedger } from "../../gateway/store/sqlite/ledger.js";
import { Catalogs } from "../../gateway/usecases/catalogs.js";
import { CaseChanges } from "../../gateway/usecases/changes.js";
import type { RegionContext } from "../../gateway/usecases/context.js";
import { personCase, signedEnvelope } from "../helpers/cases.js";
import { testCipher } from "../helpers/cipher.js";

/** Makes a bus; calling it again with the same `name` reopens the same log. */
export type BusFactory = (name: string) => Promise<Bus>;

let counter = 0;
const fresh = (what: string) => `xr.test.${what}.${process.pid}.${Date.now()}.${counter++}`;

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const msg = (topic: string, key: string, n: number) => ({
  topic,
  key,
  value: new TextEncoder().encode(`${key}#${n}`),
  headers: { "xr-type": "Test", n: String(n) },
});

const text = (r: BusRecord) => new TextDecoder().decode(r.value);

/** Registers the suite under a mocha `describe` named for the transport. */
export function busBehaviour(transport: string, makeBus: BusFactory): void {
  describe(`bus behaviour: ${transport}`, () => {
    const opened: Bus[] = [];
    const open = async (name: string) => {
      const b = await makeBus(name);
      opened.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close().catch(() => undefined);
    });

    it("delivers every record once, in order per key, with key and headers intact", async () => {
      const bus = await open(fresh("bus"));
      const topic = fresh("order");
      await bus.ensureTopics([topic]);
      const keys = Array.from({ length: 12 }, (_, i) => `case-${i}`);
      for (let n = 0; n < 25; n++) await bus.publish(keys.map((k) => msg(topic, k, n)));
      const seen = new Map<string, number[]>();
      const sub = await bus.subscribe({
        groupId: fresh("g"),
        topics: [topic],
        handler: async (r) => {
          expect(r.headers["xr-type"]).to.equal("Test");
          expect(text(r)).to.equal(`${r.key}#${r.headers.n}`);
          seen.set(r.key, [...(seen.get(r.key) ?? []), Number(r.headers.n)]);
        },
      });
      await until(() => [...seen.values()].reduce((a, v) => a + v.length, 0) === 300, "300 records");
      await sub.stop();
      for (const k of keys) expect(seen.get(k), k).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
    });

    it("redelivers a record whose handler failed, and holds back the records behind it", async () => {
      const bus = await open(fresh("bus"));
      const topic = fresh("redeliver");
      await bus.publish([0, 1, 2].map((n) => msg(topic, "case-1", n)));
      const got: string[] = [];
      let failures = 0;
      const sub = await bus.subscribe({
        groupId: fresh("g"),
        topics: [topic],
        handler: async (r) => {
          if (r.headers.n === "1" && failures < 2) {
            failures++;
            throw new Error("store unavailable");
          }
          got.push(r.headers.n ?? "");
        },
      });
      await until(() => got.length === 3, "three records");
      await sub.stop();
      expect(failures).to.equal(2);
      expect(got).to.deep.equal(["0", "1", "2"]);
    });

    it("restarts a consumer group from its committed offset: nothing missed, nothing repeated", async () => {
      const name = fresh("bus");
      const topic = fresh("restart");
      const group = fresh("g");
      let bus = await open(name);
      await bus.publish(Array.from({ length: 40 }, (_, n) => msg(topic, `case-${n % 4}`, n)));
      const got: number[] = [];
      const handler = async (r: BusRecord) => {
        got.push(Number(r.headers.n));
      };
      let sub = await bus.subscribe({ groupId: group, topics: [topic], handler });
      await until(() => got.length === 40, "first 40");
      await sub.stop();
      await bus.close();
      bus = await open(name);
      await bus.publish(Array.from({ length: 20 }, (_, n) => msg(topic, `case-${n % 4}`, 40 + n)));
      sub = await bus.subscribe({ groupId: group, topics: [topic], handler });
      await until(() => got.length >= 60, "20 more");
      await new Promise((r) => setTimeout(r, 200));
      await sub.stop();
      expect([...got].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 60 }, (_, i) => i));
    });

    it("gives every consumer group its own copy of the log", async () => {
      const bus = await open(fresh("bus"));
      const topic = fresh("groups");
      await bus.publish([0, 1, 2, 3].map((n) => msg(topic, "case-9", n)));
      const a: string[] = [];
      const b: string[] = [];
      const subA = await bus.subscribe({
        groupId: fresh("a"),
        topics: [topic],
        handler: async (r) => void a.push(text(r)),
      });
      const subB = await bus.subscribe({
        groupId: fresh("b"),
        topics: [topic],
        handler: async (r) => void b.push(text(r)),
      });
      await until(() => a.length === 4 && b.length === 4, "both groups");
      await subA.stop();
      await subB.stop();
      expect(a).to.deep.equal(b);
    });

    it("reports each group's lag per topic and the records a topic holds", async () => {
      const bus = await open(fresh("bus"));
      const [a, b, never] = [fresh("lag-a"), fresh("lag-b"), fresh("lag-none")];
      const group = fresh("g");
      await bus.ensureTopics([a, b]);
      expect(await bus.depth(a)).to.equal(0);
      expect([...(await bus.lag(group, [a, b]))]).to.deep.equal([
        [a, 0],
        [b, 0],
      ]);
      await bus.publish(Array.from({ length: 5 }, (_, n) => msg(a, `case-${n}`, n)));
      await bus.publish([msg(b, "case-1", 0), msg(b, "case-2", 1)]);
      expect(await bus.depth(a)).to.equal(5);
      expect(await bus.depth(b)).to.equal(2);
      // A group that has committed nothing lags by every record held.
      expect([...(await bus.lag(group, [a, b]))]).to.deep.equal([
        [a, 5],
        [b, 2],
      ]);
      let handled = 0;
      const sub = await bus.subscribe({
        groupId: group,
        topics: [a, b],
        handler: async () => void handled++,
      });
      await until(() => handled === 7, "all 7 records");
      let lag: number[] = [];
      for (let i = 0; i < 200; i++) {
        lag = [...(await bus.lag(group, [a, b])).values()];
        if (lag.every((n) => n === 0)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(lag, "lag once everything is committed").to.deep.equal([0, 0]);
      await sub.stop();
      await bus.publish(Array.from({ length: 3 }, (_, n) => msg(a, `case-${n}`, 10 + n)));
      expect(Object.fromEntries(await bus.lag(group, [a, b]))).to.deep.equal({ [a]: 3, [b]: 0 });
      // Consuming does not remove records: the topic still holds all it was given.
      expect(await bus.depth(a)).to.equal(8);
      // Another group has its own position.
      expect((await bus.lag(fresh("g"), [a])).get(a)).to.equal(8);
      expect(await bus.depth(never)).to.equal(0);
    });

    it("with the gateway's inbox on top: each event once and in order, poison dead-lettered, nothing stopped", async () => {
      const bus = await open(fresh("bus"));
      const region = `8${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;
      const dir = mkdtempSync(join(tmpdir(), "xr-inbox-suite-"));
      const store = new SqliteLedger({ path: join(dir, "ledger.db"), cipher: testCipher() });
      const ids = ulidGenerator();
      const ctx: RegionContext = {
        region,
        catalogs: await Catalogs.open(
          indexCatalog(region, "v1", []),
          new SqliteCatalogStore(join(dir, "ledger.db")),
        ),
        // The one agreement the events below need: 430100 sends this matter to the test region.
        federation: {
          regions: new Map(),
          agreements: new Map([
            [
              `430100>${region}`,
              {
                from: "430100",
                to: region,
                matters: new Map([["XR-SB-001", new Set([HandlingMode.REMOTE_INTAKE])]]),
              },
            ],
          ]),
        },
        store,
        materials: new FsMaterialStore(join(dir, "materials")),
        bus,
        clock: { now: () => new Date() },
        ids,
        calendar: new WorkCalendar({ holidays: [], workdays: [] }),
        clockRules: {
          calendar: new WorkCalendar({ holidays: [], workdays: [] }),
          acceptDays: () => 5,
          yellowDays: 2,
        },
        log: createLogger("silent"),
        outboxChanged: () => undefined,
        changes: new CaseChanges(),
        signer: ed25519Signer(devKeyId("880000"), devPrivateKey("880000")),
        verifier: registryVerifier([devRegistryKey("430100")]),
        refused: () => undefined,
      };
      const caseId = ids.next();
      const at = new Date().toISOString();
      const c = personCase({ caseId, handlingRegion: region, submittedAt: at, updatedAt: at, version: 0 });
      const envelope = (sequence: number, payload: EventPayload) => ({
        topic: topicFor(payload.type, region),
        key: caseId,
        value: signedEnvelope({
          eventId: ids.next(),
          caseId,
          sourceRegion: "430100",
          targetRegion: region,
          sequence,
          occurredAt: at,
          schemaVersion: SCHEMA_VERSION,
          traceparent: "",
          signature: new Uint8Array(),
          keyId: "",
          payload,
        }),
        headers: { "xr-source": "430100", "xr-target": region, "xr-type": payload.type },
      });
      const s1 = envelope(1, { type: "CaseSubmitted", case: c });
      const s2 = envelope(2, { type: "HandlingNote", author: "长沙窗口", text: "第一条" });
      const s3 = envelope(3, { type: "HandlingNote", author: "长沙窗口", text: "第二条" });
      const poison = {
        topic: `xr.v1.intake.${region}`,
        key: caseId,
        value: new Uint8Array([0xff, 0x00, 0x13]),
        headers: {},
      };
      await bus.ensureTopics([...inboxTopics(region), dlqTopic(region)]);
      const dead: BusRecord[] = [];
      const dlqSub = await bus.subscribe({
        groupId: fresh("dlq"),
        topics: [dlqTopic(region)],
        handler: async (r) => void dead.push(r),
      });
      // Reordered, duplicated and poisoned, all on the case's own partition order.
      await bus.publish([s2, poison, s1, s1, s3, s2]);
      const sub = await bus.subscribe({
        groupId: fresh("inbox"),
        topics: inboxTopics(region),
        handler: async (r) => void (await receive(ctx, r)),
      });
      try {
        await until(() => dead.length === 1, "the poison record in the dead-letter topic", 20_000);
        let events: string[] = [];
        for (let i = 0; i < 400 && events.length < 3; i++) {
          events = (await store.listEvents(caseId)).map((e) => `${e.payload.type}#${e.sequence}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        // A little longer: the duplicates must not add anything.
        await new Promise((r) => setTimeout(r, 300));
        events = (await store.listEvents(caseId)).map((e) => `${e.payload.type}#${e.sequence}`);
        expect(events).to.deep.equal(["CaseSubmitted#1", "HandlingNote#2", "HandlingNote#3"]);
        expect(dead[0]?.headers["xr-dlq-reason"]).to.match(/undecodable envelope/);
        expect(await bus.depth(dlqTopic(region)), "records held by the dead-letter topic").to.equal(1);
      } finally {
        await sub.stop();
        await dlqSub.stop();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
