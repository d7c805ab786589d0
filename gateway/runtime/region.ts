/**
 * Starts one region's gateway: its ledger, outbox relay, inbox consumer and
 * REST server. `startFederation` (federation.ts) starts several in one process.
 * Shutdown drains: the region first reports not ready, waits for load
 * balancers to notice, then stops taking work and finishes what it holds.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { type CatalogUpkeep, startCatalogUpkeep } from "../catalog/upkeep.js";
import type { LoadedConfig } from "../config/load.js";
import type { StaffDirectory } from "../config/staff.js";
import { cstDate, WorkCalendar } from "../domain/calendar.js";
import { dlqTopic, inboxTopics } from "../domain/events.js";
import type { IdTokenVerifier } from "../identity/id-token.js";
import { receive, sweepParked } from "../inbound/pipeline.js";
import { MaterialFetcher } from "../outbound/material-fetcher.js";
import { OutboxRelay } from "../outbound/relay.js";
import type { Bus } from "../ports/bus.js";
import type { BreakerState } from "../ports/partners.js";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";
import type { DataCipher } from "../security/cipher.js";
import type { RegionCredentials } from "../security/keys-dir.js";
import { FsMaterialStore } from "../store/fs/material-files.js";
import { openCatalogStore, openLedger } from "../store/open.js";
import { type PartnerCallSettings, PartnerGateways } from "../transports/grpc/partners.js";
import type { PeerSecurity } from "../transports/grpc/peer.js";
import { startGrpcServer } from "../transports/grpc/server.js";
import { createRestApp } from "../transports/rest/app.js";
import { answerClientErrors } from "../transports/rest/client-error.js";
import { Catalogs } from "../usecases/catalogs.js";
import { CaseChanges } from "../usecases/changes.js";
import { type CollaborationSettings, stalledAcrossCases } from "../usecases/collaboration.js";
import type { RegionContext } from "../usecases/context.js";
import { type Checkpointer, startCheckpointer } from "./checkpointer.js";
import { InboxRunner } from "./inbox-runner.js";
import { createMetrics } from "./metrics.js";
import { startNotifications } from "./notifications.js";
import { checkReadiness } from "./readiness.js";
import { type ReceiptSender, startReceiptSender } from "./receipt-sender.js";
import { startTimeLimitWatch, type TimeLimitWatch } from "./time-limits.js";
import { ulidGenerator } from "./ulid.js";

/** Options of {@link startRegion}. */
export interface RegionOptions {
  readonly region: string;
  readonly config: LoadedConfig;
  readonly bus: Bus;
  readonly dataDir: string;
  readonly log: Logger;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** PostgreSQL connection URL of the ledger; absent = a SQLite file under `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** Staff tokens of the REST API and window page. */
  readonly staff: StaffDirectory;
  /** Applicants' sign-in (issue 18): the ID token check and where the page sends them to sign in. */
  readonly identity?: { readonly verifier: IdTokenVerifier; readonly authorizeUrl: string } | undefined;
  /** Express's `trust proxy` for the REST API (XR_TRUST_PROXY); absent = no proxy is trusted. */
  readonly trustProxy?: number | readonly string[] | undefined;
  /** Encrypts personal data in the ledger (there is no plaintext mode). */
  readonly cipher: DataCipher;
  /** Signs this region's envelopes. */
  readonly signer: EnvelopeSigner;
  /** Checks received envelopes against the federation's key registry. */
  readonly verifier: SignatureVerifier;
  /** The region's gRPC server and its calls to partners. */
  readonly grpc: RegionGrpcOptions;
  /**
   * How long close() reports "not ready" (/readyz 503, gRPC health
   * NOT_SERVING) while still serving, so that load balancers stop routing
   * before the listeners close (ms; default 0).
   */
  readonly drainMs?: number;
  /** Overrides the configuration's `subtaskTakeUpHours`. */
  readonly subtaskTakeUpHours?: number;
}

/** gRPC settings of one region. */
export interface RegionGrpcOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly security: PeerSecurity;
  readonly credentials?: RegionCredentials;
  /** gRPC address of every region, kept current as hosted regions bind their ports. */
  readonly addresses: () => ReadonlyMap<string, string>;
  readonly partnerSettings?: Partial<PartnerCallSettings>;
}

/** A running region gateway. */
export interface RegionHandle {
  readonly region: string;
  readonly url: string;
  /** host:port of the gRPC server. */
  readonly grpcAddress: string;
  readonly context: RegionContext;
  /** Calls to partner gateways. */
  readonly partners: PartnerGateways;
  /** Brings handled cases' materials from the intake region. */
  readonly materialFetcher: MaterialFetcher;
  /** Keeps the catalogs current: the city system (if any) and partners' versions. */
  readonly catalogs: CatalogUpkeep;
  /** Signs the message log's head and hands it to the partners, periodically and on demand. */
  readonly checkpointer: Checkpointer;
  /** Hands signed receipts for the envelopes applied here back to their senders. */
  readonly receipts: ReceiptSender;
  /** Resolves once the inbox consumer has joined its group. */
  inboxStarted(): Promise<void>;
  /** Stops consuming the region's inbox topics (records stay on the bus). */
  pauseInbox(): Promise<void>;
  /** Consumes again from the committed offsets. */
  resumeInbox(): Promise<void>;
  /**
   * Begins shutdown: reports not ready from now on, and resolves after the
   * drain delay; still serves meanwhile. close() calls it when not done yet.
   */
  drain(): Promise<void>;
  /** The time-limit watch (red alerts, calendar runway): tests sweep it on demand. */
  readonly timeLimits: TimeLimitWatch;
  /** Drains, stops taking requests, finishes in-flight work, closes the ledger. */
  close(): Promise<void>;
}

// Time the relay has at shutdown to publish what the last requests and records committed.
const RELAY_FLUSH_MS = 5_000;

/** Starts a region's gateway and resolves once it listens. */
export async function startRegion(o: RegionOptions): Promise<RegionHandle> {
  const log = o.log.child({ region: o.region });
  const location = { region: o.region, dataDir: o.dataDir, databaseUrl: o.databaseUrl };
  const own = o.config.catalogs.get(o.region);
  if (!own) throw new Error(`region ${o.region} is not hosted by this configuration`);
  const groupId = `xr-gateway-${o.region}`;
  // Before the ledger, so that its alert can count; the gauges read the ledger only when scraped.
  const metrics = createMetrics(o.region, {
    ledger: () => store.stats(cstDate(context.clock.now())),
    lag: () => o.bus.lag(groupId, inboxTopics(o.region)),
    deadLetters: () => o.bus.depth(dlqTopic(o.region)),
    breakers: () => breakers(),
    stalledSubtasks: () => stalledAcrossCases(context, collaboration),
    notifications: () => store.notificationStats(),
  });
  const store = await openLedger({
    ...location,
    cipher: o.cipher,
    // A stored value that does not authenticate is never served: the read fails with DATA_LOSS, and the
    // operator hears of it here. The error names table, column and row (a case id, an event id, a log
    // sequence, a digest of an idempotency key), never the value.
    alert: (e) => {
      metrics.integrityFailures.inc({ table: e.table, column: e.column, reason: e.reason });
      log.error(
        { table: e.table, column: e.column, row: e.row, reason: e.reason, code: e.code },
        `ledger integrity alert: ${e.message}`,
      );
    },
  });
  // A catalog store that does not open must not leave the ledger (a PostgreSQL pool) open behind it.
  const catalogs = await openCatalogStore(location)
    .then((s) => Catalogs.open(own, s))
    .catch(async (err) => {
      await store.close();
      throw err;
    });
  let relay: OutboxRelay | undefined;
  const calendar = new WorkCalendar(o.config.holidays);
  const context: RegionContext = {
    region: o.region,
    federation: o.config.federation,
    catalogs,
    store,
    materials: new FsMaterialStore(join(o.dataDir, o.region, "materials")),
    bus: o.bus,
    clock: { now: () => new Date() },
    ids: ulidGenerator(),
    calendar,
    clockRules: {
      calendar,
      acceptDays: o.config.timeLimits.acceptDays,
      yellowDays: o.config.timeLimits.yellowDays,
    },
    log,
    outboxChanged: () => {
      relay?.notify();
      sms?.relay?.notify();
    },
    changes: new CaseChanges(),
    signer: o.signer,
    verifier: o.verifier,
    refused: (kind, topic) => metrics.refused.inc({ topic, reason: kind }),
    ratingTags: o.config.ratingTags,
  };
  relay = new OutboxRelay(context, {
    onSent: (messages) => {
      for (const m of messages) metrics.sent.inc({ topic: m.topic });
    },
  });
  relay.start();
  // Issue 18: the applicant's SMS, sent from the ledger's queue, never from a request.
  const sms: ReturnType<typeof startNotifications> = startNotifications({
    region: o.region,
    dataDir: o.dataDir,
    store,
    config: o.config.notifications,
    log,
    onResult: (kind, outcome) => metrics.notifications.inc({ kind, outcome }),
  });
  // Not fatal: with the bus away the gateway still takes cases (the outbox keeps them), the inbox
  // keeps trying to subscribe, and /readyz says what is missing.
  await o.bus.ensureTopics([...inboxTopics(o.region), `xr.v1.dlq.${o.region}`]).catch((err) => {
    log.error({ err }, "bus topics not ready; will retry through the inbox and the relay");
  });
  const subscribe = () =>
    o.bus.subscribe({
      groupId,
      topics: inboxTopics(o.region),
      handler: async (record) => {
        metrics.received.inc({ topic: record.topic, outcome: await receive(context, record) });
      },
    });
  // Events that waited too long for what they need go to the dead-letter topic with an alert.
  const inbox = new InboxRunner(subscribe, () => sweepParked(context), log);
  inbox.start();
  const partners = new PartnerGateways({
    region: o.region,
    security: o.grpc.security,
    ...(o.grpc.credentials ? { credentials: o.grpc.credentials } : {}),
    addresses: o.grpc.addresses,
    ...(o.grpc.partnerSettings ? { settings: o.grpc.partnerSettings } : {}),
    log,
  });
  const materialFetcher = new MaterialFetcher(context, partners);
  materialFetcher.start();
  const checkpointer = startCheckpointer(context, partners, o.config.checkpointSeconds);
  const receipts = startReceiptSender(context, partners, o.config.receiptSeconds);
  const timeLimits = startTimeLimitWatch({ store, calendar, clock: context.clock, log });
  const upkeep = startCatalogUpkeep({
    region: o.region,
    config: o.config,
    catalogs,
    partners,
    subscribe: (listener) => context.changes.subscribe(listener),
    getCase: (caseId) => store.getCase(caseId),
    log,
  });
  const breakers = (): Record<string, BreakerState> => ({
    bus: relay?.breakerState ?? "closed",
    ...Object.fromEntries(Object.entries(partners.breakerStates()).map(([p, s]) => [`partner:${p}`, s])),
    ...upkeep.breakerStates(),
    ...(sms.breakerState ? { sms: sms.breakerState() } : {}),
  });
  const collaboration: CollaborationSettings = {
    takeUpMs: (o.subtaskTakeUpHours ?? o.config.subtaskTakeUpHours) * 3_600_000,
    breakers,
  };
  let draining = false;
  const readiness = () =>
    checkReadiness({
      store,
      bus: o.bus,
      inbox: () => inbox.state,
      breakers,
      draining: () => draining,
      stalledSubtasks: () => stalledAcrossCases(context, collaboration),
    });
  const grpcServer = await startGrpcServer(context, {
    host: o.grpc.host,
    port: o.grpc.port,
    security: o.grpc.security,
    ...(o.grpc.credentials ? { credentials: o.grpc.credentials } : {}),
    ready: async () => (await readiness()).ready,
    observe: (method, code, seconds) => metrics.rpcDuration.observe({ method, code }, seconds),
  });
  const closing = new AbortController();
  const app = createRestApp(context, {
    metrics: metrics.registry,
    staff: o.staff,
    sessions: store,
    applicantSessions: store,
    identity: o.identity,
    openings: store,
    trustProxy: o.trustProxy,
    closing: closing.signal,
    readiness,
    collaboration,
    before: [metrics.httpMiddleware],
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(o.port, o.host, () => resolve(s));
    s.once("error", reject);
  });
  // Longer than the usual load-balancer idle timeout (60 s), so the proxy, not the gateway, closes idle
  // keep-alive connections: otherwise a client may send on a socket the gateway is just closing.
  answerClientErrors(server);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  let drained: Promise<void> | undefined;
  const { port } = server.address() as AddressInfo;
  const url = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port}`;
  log.info({ url }, "region gateway listening");
  return {
    region: o.region,
    url,
    grpcAddress: grpcServer.address,
    context,
    partners,
    materialFetcher,
    catalogs: upkeep,
    checkpointer,
    receipts,
    timeLimits,
    inboxStarted: () => inbox.started(),
    pauseInbox: () => inbox.pause(),
    resumeInbox: () => inbox.resume(),
    drain,
    close: async () => {
      await drain();
      // Long-lived streams (SSE) end now; other requests in flight finish below.
      closing.abort();
      // Both listeners stop taking calls at once and let the calls in flight finish.
      await Promise.all([
        grpcServer.close(),
        new Promise<void>((resolve) => {
          // In-flight requests get a moment to finish; a connection still open after that (a client
          // that never read its answer) must not hold the shutdown.
          const force = setTimeout(() => server.closeAllConnections(), 2_000);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        }),
      ]);
      await inbox.stop();
      await materialFetcher.stop();
      await timeLimits.stop();
      await upkeep.stop();
      await checkpointer.stop();
      await receipts.stop();
      partners.close();
      // What the last requests and records committed goes out now rather than at the next start.
      await relay?.stop(RELAY_FLUSH_MS);
      await sms.relay?.stop();
      await store.close();
      await catalogs.close();
      log.info("region gateway stopped");
    },
  };

  /** Reports not ready (REST and gRPC health alike), then gives load balancers `drainMs` to notice. */
  function drain(): Promise<void> {
    drained ??= (async () => {
      draining = true;
      await grpcServer.refreshHealth();
      log.info({ drainMs: o.drainMs ?? 0 }, "draining: reporting not ready before closing");
      if ((o.drainMs ?? 0) > 0) await new Promise((r) => setTimeout(r, o.drainMs));
    })();
    return drained;
  }
}
