/**
 * The bus behaviour suite, written once against the Bus port and run for
 * every transport (today the embedded bus; the Kafka transport joins it).
 */
import { expect } from "chai";
import type { Bus, BusRecord } from "../../gateway/ports/bus.js";

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
  });
}
