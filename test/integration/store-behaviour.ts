/**
 * The ledger store suite, written once against the LedgerStore port and run
 * for every store (SQLite today; PostgreSQL joins it).
 */
import { expect } from "chai";
import { firstBreak, GENESIS } from "../../gateway/audit/chain.js";
import type { CaseState } from "../../gateway/domain/case.js";
import type { Checkpoint } from "../../gateway/domain/checkpoint.js";
import type { CaseClock } from "../../gateway/domain/deadline.js";
import type { XrError } from "../../gateway/domain/errors.js";
import type { MaterialOpening, MaterialOpeningLog } from "../../gateway/ports/openings.js";
import type { SessionStore } from "../../gateway/ports/sessions.js";
import type { Commit, LedgerStore } from "../../gateway/ports/store.js";
import { personCase } from "../helpers/cases.js";

function caseState(caseId: string, version: number, status: CaseState["status"] = "SUBMITTED"): CaseState {
  return personCase({ caseId, version, status, deadline: "2026-12-10" });
}

function commitFor(caseId: string, version: number, extra: Partial<Commit> = {}): Commit {
  return {
    state: caseState(caseId, version),
    expectedVersion: version - 1,
    events: [
      {
        eventId: `EV${caseId}${version}`,
        caseId,
        sourceRegion: "430100",
        sequence: version,
        occurredAt: "2026-11-26T01:00:00.000Z",
        payload: { type: "HandlingNote", author: "窗口", text: `第${version}条` },
        statusAfter: "SUBMITTED",
      },
    ],
    outbox: [
      {
        topic: "xr.v1.handling.440100",
        key: caseId,
        value: new Uint8Array([version]),
        headers: { "xr-type": "HandlingNote" },
      },
    ],
    ...extra,
  };
}

/** Registers the suite for one store; `make` returns a fresh, empty store. */
export function storeBehaviour(
  name: string,
  make: () => Promise<LedgerStore & SessionStore & MaterialOpeningLog>,
): void {
  describe(`ledger store behaviour: ${name}`, () => {
    let store: LedgerStore & SessionStore & MaterialOpeningLog;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it("commits case, events, outbox and inbox together and reads them back", async () => {
      await store.commit(
        commitFor("C1", 1, {
          inbox: { eventId: "EVC11", caseId: "C1", sourceRegion: "430100", sequence: 1 },
        }),
      );
      expect((await store.getCase("C1"))?.version).to.equal(1);
      expect((await store.listEvents("C1")).map((e) => e.eventId)).to.deep.equal(["EVC11"]);
      expect(await store.hasApplied("EVC11")).to.equal(true);
      expect(await store.appliedSequence("C1", "430100")).to.equal(1);
      const out = await store.pendingOutbox(10);
      expect(out.map((m) => [m.key, [...m.value]])).to.deep.equal([["C1", [1]]]);
    });

    it("keeps an event's actor (经办人) with it, and reads an event without one as before", async () => {
      const actor = { staffId: "GZ-0042", displayName: "李娜", kind: "staff", role: "handler" } as const;
      const first = commitFor("CA", 1);
      await store.commit({ ...first, events: [{ ...(first.events[0] as Commit["events"][0]), actor }] });
      await store.commit(commitFor("CA", 2));
      const [withActor, without] = await store.listEvents("CA");
      expect(withActor?.actor).to.deep.equal(actor);
      expect(withActor?.payload).to.deep.equal({ type: "HandlingNote", author: "窗口", text: "第1条" });
      expect(without).not.to.have.property("actor");
    });

    it("refuses a stale version with CONFLICT and writes nothing of that commit", async () => {
      await store.commit(commitFor("C2", 1));
      const stale = commitFor("C2", 1);
      const err = await store
        .commit({ ...stale, events: [{ ...(stale.events[0] as Commit["events"][0]), eventId: "OTHER" }] })
        .then(
          () => undefined,
          (e: XrError) => e,
        );
      expect(err?.code).to.equal("CONFLICT");
      expect(await store.hasApplied("OTHER")).to.equal(false);
      expect(await store.pendingOutbox(10)).to.have.length(1);
    });

    it("isolates a failing commit from the others committed in the same group", async () => {
      await store.commit(commitFor("C3", 1));
      const results = await Promise.allSettled([
        store.commit(commitFor("C4", 1)),
        store.commit(commitFor("C3", 1)), // stale
        store.commit(commitFor("C5", 1)),
      ]);
      expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
      expect(await store.getCase("C4")).to.not.equal(undefined);
      expect(await store.getCase("C5")).to.not.equal(undefined);
      expect((await store.listEvents("C3")).length).to.equal(1);
    });

    it("keeps an Idempotency-Key once with the case as answered, even after the case moved on; a second use conflicts", async () => {
      const idem = { key: "submit:k1", requestHash: "h" };
      const first = commitFor("C6", 1, { idempotency: idem });
      await store.commit(first);
      const [m] = await store.pendingOutbox(10);
      await store.markPublished([m?.id ?? -1], ["C6"]);
      await store.commit(commitFor("C6", 2));
      expect((await store.getCase("C6"))?.status).to.equal("FORWARDED");
      expect(await store.findIdempotent("submit:k1")).to.deep.equal({ ...idem, state: first.state });
      const err = await store.commit(commitFor("C7", 1, { idempotency: idem })).catch((e: XrError) => e);
      expect((err as XrError).code).to.equal("CONFLICT");
      expect(await store.getCase("C7")).to.equal(undefined);
    });

    it("marks published messages gone and submitted cases FORWARDED in one step", async () => {
      await store.commit(commitFor("C8", 1));
      const [m] = await store.pendingOutbox(10);
      await store.markPublished([m?.id ?? -1], ["C8"]);
      expect(await store.pendingOutbox(10)).to.have.length(0);
      expect((await store.getCase("C8"))?.status).to.equal("FORWARDED");
      // A later commit derived from the SUBMITTED state does not step the case back.
      await store.commit(commitFor("C8", 2));
      expect((await store.getCase("C8"))?.status).to.equal("FORWARDED");
    });

    const parked = (eventId: string, sequence: number, parkedAt = "2026-11-26T01:00:00.000Z") => ({
      eventId,
      caseId: "C9",
      sourceRegion: "440100",
      sequence,
      value: new Uint8Array([sequence]),
      parkedAt,
      topic: "xr.v1.handling.430100",
      reason: "waiting for sequence 1",
    });

    it("parks events and removes them when the commit that applies them lands", async () => {
      expect(await store.park(parked("P2", 2))).to.equal("parked");
      expect(await store.parkedFor("C9")).to.deep.equal([parked("P2", 2)]);
      expect(await store.countParked("C9")).to.equal(1);
      await store.commit(commitFor("C9", 1, { unparkEventId: "P2" }));
      expect(await store.parkedFor("C9")).to.deep.equal([]);
    });

    it("tells a re-parked event from another event claiming the same position", async () => {
      expect(await store.park(parked("P3", 3))).to.equal("parked");
      expect(await store.park(parked("P3", 3))).to.equal("already-parked");
      expect(await store.park(parked("FORGED", 3))).to.equal("collision");
      expect((await store.parkedFor("C9")).map((p) => p.eventId)).to.deep.equal(["P3"]);
    });

    it("lists events parked before a time, oldest first, and drops them", async () => {
      await store.park(parked("OLD", 4, "2026-11-26T01:00:00.000Z"));
      await store.park(parked("OLDER", 5, "2026-11-26T00:00:00.000Z"));
      await store.park(parked("NEW", 6, "2026-11-26T03:00:00.000Z"));
      const stale = await store.parkedBefore("2026-11-26T02:00:00.000Z", 10);
      expect(stale.map((p) => p.eventId)).to.deep.equal(["OLDER", "OLD"]);
      await store.dropParked("OLD");
      expect((await store.parkedFor("C9")).map((p) => p.eventId)).to.deep.equal(["OLDER", "NEW"]);
    });

    it("filters cases by status, party and overdue date", async () => {
      await store.commit(commitFor("D1", 1));
      await store.commit({
        ...commitFor("D2", 1),
        state: { ...caseState("D2", 1, "DECIDED"), deadline: "2026-01-05" },
      });
      await store.commit({
        ...commitFor("D3", 1),
        state: { ...caseState("D3", 1, "ACCEPTED"), deadline: "2026-01-05" },
      });
      const ids = async (f: Parameters<LedgerStore["listCases"]>[0]) =>
        (await store.listCases(f)).map((c) => c.caseId).sort();
      expect(await ids({ status: "DECIDED", limit: 10, offset: 0 })).to.deep.equal(["D2"]);
      expect(await ids({ overdueOn: "2026-06-01", limit: 10, offset: 0 })).to.deep.equal(["D3"]);
      expect(await ids({ region: "440100", limit: 10, offset: 0 })).to.deep.equal(["D1", "D2", "D3"]);
      expect(await ids({ region: "420100", limit: 10, offset: 0 })).to.deep.equal([]);
    });

    const logEntry = (caseId: string, eventId: string) => ({
      direction: "sent" as const,
      eventId,
      caseId,
      peer: "440100",
      at: "2026-11-26T01:00:00.000Z",
      value: new TextEncoder().encode(`envelope ${eventId}`),
    });

    it("chains the message log across commits and lone appends, and reads it back by case", async () => {
      await store.commit(commitFor("L1", 1, { log: [logEntry("L1", "E1"), logEntry("L1", "E2")] }));
      await store.appendLog([logEntry("L2", "R1")]);
      await store.commit(commitFor("L1", 2, { log: [logEntry("L1", "E3")] }));
      const all = await store.logRecords(1, 10);
      expect(all.map((r) => [r.seq, r.eventId])).to.deep.equal([
        [1, "E1"],
        [2, "E2"],
        [3, "R1"],
        [4, "E3"],
      ]);
      expect(firstBreak(all)).to.equal(undefined);
      expect(new TextDecoder().decode(all[3]?.value)).to.equal("envelope E3");
      expect((await store.logForCase("L1")).map((r) => r.eventId)).to.deep.equal(["E1", "E2", "E3"]);
      expect((await store.logRecords(3, 1)).map((r) => r.eventId)).to.deep.equal(["R1"]);
    });

    it("keeps checkpoints by log, witness and length, the first of each, and gives the latest first", async () => {
      expect(await store.logHead()).to.deep.equal({ seq: 0, hash: GENESIS });
      await store.appendLog([logEntry("K1", "E1"), logEntry("K1", "E2")]);
      const [, second] = await store.logRecords(1, 2);
      expect(await store.logHead()).to.deep.equal({ seq: 2, hash: second?.hash });
      const checkpoint = (seq: number, hash: string, witness = "430100"): Checkpoint => ({
        region: "440100",
        seq,
        hash,
        at: "2026-12-08T01:00:00.000Z",
        keyId: "440100-dev",
        signature: new Uint8Array(64).fill(seq),
        witness,
        witnessedAt: "2026-12-08T01:00:01.000Z",
        witnessKeyId: "430100-dev",
        countersignature: new Uint8Array(64).fill(seq + 1),
      });
      expect(await store.keepCheckpoint(checkpoint(1, "a".repeat(64)))).to.equal(true);
      expect(await store.keepCheckpoint(checkpoint(2, "b".repeat(64)))).to.equal(true);
      expect(await store.keepCheckpoint(checkpoint(2, "c".repeat(64)))).to.equal(false);
      expect(await store.keepCheckpoint(checkpoint(9, "d".repeat(64), "420100"))).to.equal(true);
      const kept = await store.checkpoints("440100", "430100", 5);
      expect(kept.map((c) => [c.seq, c.hash])).to.deep.equal([
        [2, "b".repeat(64)],
        [1, "a".repeat(64)],
      ]);
      expect(kept[0]).to.deep.equal(checkpoint(2, "b".repeat(64)));
      expect(await store.checkpoints("440100", "430100", 1)).to.have.length(1);
      expect(await store.checkpoints("430100", "440100", 5)).to.deep.equal([]);
    });

    it("keeps each partner's receipt cursor, which only moves forward", async () => {
      expect(await store.receiptCursor("440100")).to.equal(0);
      await store.setReceiptCursor("440100", 5);
      await store.setReceiptCursor("440100", 3);
      expect(await store.receiptCursor("440100")).to.equal(5);
      await store.setReceiptCursor("440100", 9);
      await store.setReceiptCursor("420100", 2);
      expect(await store.receiptCursor("440100")).to.equal(9);
      expect(await store.receiptCursor("420100")).to.equal(2);
    });

    it("logs a refused record whatever text its sender put in it, NUL characters included", async () => {
      await store.appendLog([{ ...logEntry("BAD\u0000KEY", "\u0000"), peer: "44\u00000100" }]);
      const [r] = await store.logRecords(1, 10);
      expect(r?.caseId.startsWith("BAD")).to.equal(true);
      expect(firstBreak(await store.logRecords(1, 10))).to.equal(undefined);
    });

    it("appends nothing to the log when the commit that carries it fails", async () => {
      await store.commit(commitFor("L3", 1, { log: [logEntry("L3", "A")] }));
      const stale = store.commit(commitFor("L3", 1, { log: [logEntry("L3", "LOST")] }));
      expect((await stale.catch((e: XrError) => e))?.code).to.equal("CONFLICT");
      await store.commit(commitFor("L3", 2, { log: [logEntry("L3", "B")] }));
      const all = await store.logRecords(1, 10);
      expect(all.map((r) => r.eventId)).to.deep.equal(["A", "B"]);
      expect(firstBreak(all)).to.equal(undefined);
    });

    it("records a dead-lettered event as consumed in its turn, with its digest, once", async () => {
      const entry = { eventId: "DL1", caseId: "X1", sourceRegion: "440100", sequence: 1, digest: "abc" };
      expect(await store.appliedDigest("DL1")).to.equal(undefined);
      await store.recordDeadLettered(entry);
      await store.recordDeadLettered({ ...entry, digest: "other" });
      expect(await store.hasApplied("DL1")).to.equal(true);
      expect(await store.appliedDigest("DL1")).to.equal("abc");
      expect(await store.appliedSequence("X1", "440100")).to.equal(1);
    });

    it("counts cases by status, the outbox backlog, parked and overdue cases", async () => {
      await store.commit(commitFor("S1", 1));
      await store.commit({
        ...commitFor("S2", 1),
        state: { ...caseState("S2", 1, "ACCEPTED"), deadline: "2026-01-05" },
      });
      await store.park(parked("SP", 7));
      const stats = await store.stats("2026-06-01");
      expect(stats).to.deep.equal({
        casesByStatus: { SUBMITTED: 1, ACCEPTED: 1 },
        outboxBacklog: 2,
        parked: 1,
        overdue: 1,
        // Neither case has a clock (they predate issue 17's model): no light.
        lights: { GREEN: 0, YELLOW: 0, RED: 0 },
      });
      const out = await store.pendingOutbox(10);
      await store.markPublished(
        out.map((m) => m.id),
        ["S1"],
      );
      expect((await store.stats("2026-06-01")).casesByStatus).to.deep.equal({ FORWARDED: 1, ACCEPTED: 1 });
      expect((await store.stats("2026-06-01")).outboxBacklog).to.equal(0);
    });

    it("keeps each case's clock in its columns: lights counted, red alerted once, overdue by the clock (issue 17)", async () => {
      const clock = (o: Partial<CaseClock>): CaseClock => ({
        acceptDays: 5,
        arrivedOn: "2026-11-02",
        acceptedOn: "2026-11-02",
        decidedOn: null,
        stage: "decide",
        dueOn: "2026-11-23",
        warnOn: "2026-11-19",
        stoppedOn: null,
        stoppedFor: null,
        suspendedDays: 0,
        lateDays: 0,
        breach: null,
        decideDays: null,
        ...o,
      });
      const clocked = (
        caseId: string,
        version: number,
        status: CaseState["status"],
        k: Partial<CaseClock>,
      ) => ({
        ...commitFor(caseId, version),
        state: { ...caseState(caseId, version, status), clock: clock(k) },
      });
      await store.commit(clocked("K1", 1, "ACCEPTED", {}));
      await store.commit(
        clocked("K2", 1, "ACCEPTED", {
          acceptedOn: "2026-11-12",
          dueOn: "2026-12-03",
          warnOn: "2026-12-01",
          breach: { on: "2026-11-10", days: 3, stage: "accept" },
        }),
      );
      await store.commit(
        clocked("K3", 1, "DECIDED", { stage: null, decidedOn: "2026-11-20", decideDays: 14 }),
      );
      // Stopped (补正) on 2026-11-18: its light stays as of that day.
      await store.commit(
        clocked("K4", 1, "SUPPLEMENT_REQUESTED", { stoppedOn: "2026-11-18", stoppedFor: "SUPPLEMENT" }),
      );
      expect((await store.stats("2026-11-18")).lights).to.deep.equal({ GREEN: 2, YELLOW: 0, RED: 1 });
      expect((await store.stats("2026-11-20")).lights).to.deep.equal({ GREEN: 1, YELLOW: 1, RED: 1 });
      expect((await store.stats("2026-11-24")).lights).to.deep.equal({ GREEN: 1, YELLOW: 0, RED: 2 });
      const ids = async (f: Parameters<LedgerStore["listCases"]>[0]) =>
        (await store.listCases(f)).map((c) => c.caseId).sort();
      expect(await ids({ overdueOn: "2026-11-20", limit: 10, offset: 0 })).to.deep.equal(["K2"]);
      expect(await ids({ overdueOn: "2026-11-24", limit: 10, offset: 0 })).to.deep.equal(["K1", "K2"]);

      const red = await store.markRed("2026-11-20");
      expect(red).to.deep.equal([
        {
          caseId: "K2",
          matterCode: "XR-SB-001",
          handlingRegion: "440100",
          dueOn: "2026-12-03",
          breachDays: 3,
        },
      ]);
      expect(await store.markRed("2026-11-20")).to.deep.equal([]);
      // Writing the case again does not make it alert again.
      await store.commit(
        clocked("K2", 2, "ACCEPTED", { breach: { on: "2026-11-10", days: 4, stage: "accept" } }),
      );
      expect((await store.markRed("2026-11-24")).map((r) => r.caseId)).to.deep.equal(["K1"]);
      expect(await store.markRed("2026-11-25")).to.deep.equal([]);
      // The breach stays readable from the sealed body as well.
      expect((await store.getCase("K2"))?.clock?.breach).to.deep.equal({
        on: "2026-11-10",
        days: 4,
        stage: "accept",
      });
    });

    it("keeps the page's sessions until they expire, end, or their token is revoked", async () => {
      const session = (idHash: string, tokenHash: string, expiresAt: string) => ({
        idHash,
        tokenHash,
        createdAt: "2026-12-08T01:00:00.000Z",
        expiresAt,
      });
      await store.saveSession(session("s1", "t1", "2026-12-08T13:00:00.000Z"));
      await store.saveSession(session("s2", "t1", "2026-12-08T13:00:00.000Z"));
      await store.saveSession(session("s3", "t2", "2026-12-08T13:00:00.000Z"));
      await store.saveSession(session("old", "t2", "2026-12-08T02:00:00.000Z"));
      const at = "2026-12-08T03:00:00.000Z";
      expect(await store.findSession("s1", at)).to.deep.equal(
        session("s1", "t1", "2026-12-08T13:00:00.000Z"),
      );
      expect(await store.findSession("old", "2026-12-08T01:30:00.000Z")).to.not.equal(undefined);
      expect(await store.findSession("old", at), "expired").to.equal(undefined);
      expect(await store.findSession("nobody", at)).to.equal(undefined);
      await store.endSession("s1");
      expect(await store.findSession("s1", at), "signed out").to.equal(undefined);
      expect(await store.findSession("s2", at)).to.not.equal(undefined);
      await store.endSessionsOf("t1");
      expect(await store.findSession("s2", at), "token revoked").to.equal(undefined);
      expect(await store.findSession("s3", at), "another token's").to.not.equal(undefined);
      // A session id is taken once.
      let refused: unknown;
      await store.saveSession(session("s3", "t9", "2026-12-09T00:00:00.000Z")).catch((e) => {
        refused = e;
      });
      expect(refused).to.be.instanceOf(Error);
      expect((await store.findSession("s3", at))?.tokenHash).to.equal("t2");
    });

    it("keeps every opening of a material, per case and in order, staff names in Chinese included", async () => {
      const opening = (caseId: string, n: number, range = ""): MaterialOpening => ({
        caseId,
        sha256: String(n).repeat(64).slice(0, 64),
        staffName: "陈敏",
        staffRole: "handler",
        openedAt: `2026-12-08T03:0${n}:00.000Z`,
        range,
      });
      expect(await store.openingsOf("O1")).to.deep.equal([]);
      await store.recordOpening(opening("O1", 1));
      await store.recordOpening(opening("O2", 2));
      await store.recordOpening(opening("O1", 3, "bytes=0-1023"));
      // The same staff member opening the same file again is a second record, not a replacement.
      await store.recordOpening(opening("O1", 1));
      expect(await store.openingsOf("O1")).to.deep.equal([
        opening("O1", 1),
        opening("O1", 3, "bytes=0-1023"),
        opening("O1", 1),
      ]);
      expect(await store.openingsOf("O2")).to.deep.equal([opening("O2", 2)]);
    });

    it("queues a commit's SMS with it, once per event id, and notes tries and sends (issue 18)", async () => {
      const vars = {
        matterName: "基本养老保险关系转移接续",
        caseId: "N1",
        receiptNo: "R1",
        courier: "",
        waybillNo: "",
        deadline: "2026-12-30",
        decision: "",
      };
      const sms = { eventId: "EVN11", caseId: "N1", kind: "accepted" as const, mobile: "13807311234", vars };
      await store.commit(commitFor("N1", 1, { notifications: [sms] }));
      // A commit that fails (a stale version) queues nothing.
      const stale = await store
        .commit(commitFor("N1", 1, { notifications: [{ ...sms, eventId: "EVN-stale" }] }))
        .catch((e: XrError) => e.code);
      expect(stale).to.equal("CONFLICT");
      // The same event id again (an event applied twice) is queued once.
      await store.commit(commitFor("N1", 2, { notifications: [sms] }));
      const now = new Date().toISOString();
      expect(await store.pendingNotifications(10, now)).to.deep.equal([{ ...sms, attempts: 0 }]);
      expect(await store.notificationStats()).to.deep.equal({ sent: 0, pending: 1, failing: 0 });
      await store.notificationFailed("EVN11", new Date(Date.now() + 60_000).toISOString());
      expect(await store.pendingNotifications(10, now)).to.deep.equal([]);
      expect(await store.notificationStats()).to.deep.equal({ sent: 0, pending: 1, failing: 1 });
      const later = new Date(Date.now() + 120_000).toISOString();
      expect(await store.pendingNotifications(10, later)).to.deep.equal([{ ...sms, attempts: 1 }]);
      await store.markNotified("EVN11", now);
      expect(await store.pendingNotifications(10, later)).to.deep.equal([]);
      expect(await store.notificationStats()).to.deep.equal({ sent: 1, pending: 0, failing: 0 });
    });

    it("holds the relay lease while it is the only one open", async () => {
      expect(await store.relayLease()).to.equal(true);
      expect(await store.relayLease()).to.equal(true);
    });
  });
}
