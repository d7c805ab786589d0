/**
 * Starts one region's gateway: its ledger, outbox relay, inbox consumer and
 * REST server. `startFederation` (federation.ts) starts several in one process.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { CatalogBook } from "../catalog/book.js";
import { type CatalogUpkeep, startCatalogUpkeep } from "../catalog/upkeep.js";
import type { LoadedConfig } from "../config/load.js";
import type { StaffDirectory } from "../config/staff.js";
import { WorkCalendar } from "../domain/calendar.js";
import { inboxTopics } from "../domain/events.js";
import { sweepParked } from "../inbound/parking.js";
import { receiveWithRetries } from "../inbound/retry.js";
import { MaterialFetcher } from "../outbound/material-fetcher.js";
import { OutboxRelay } from "../outbound/relay.js";
import type { Bus } from "../ports/bus.js";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";
import type { LedgerStore } from "../ports/store.js";
import type { DataCipher } from "../security/cipher.js";
import type { RegionCredentials } from "../security/keys-dir.js";
import { FsMaterialStore } from "../store/fs/materials.js";
import { SqliteLedger } from "../store/sqlite/ledger.js";
import { type PartnerCallSettings, PartnerGateways } from "../transports/grpc/partners.js";
import type { PeerSecurity } from "../transports/grpc/peer.js";
import { startGrpcServer } from "../transports/grpc/server.js";
import { createRestApp } from "../transports/rest/app.js";
import { CaseChanges } from "../usecases/changes.js";
import type { RegionContext } from "../usecases/context.js";
import { ulidGenerator } from "./ids.js";
import { InboxRunner } from "./inbox-runner.js";
import { createMetrics } from "./metrics.js";

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
  readonly store?: LedgerStore;
  /** Staff tokens of the REST API and window page. */
  readonly staff: StaffDirectory;
  /** Encrypts personal data in the ledger. */
  readonly cipher?: DataCipher;
  /** Signs this region's envelopes. */
  readonly signer: EnvelopeSigner;
  /** Checks received envelopes against the federation's key registry. */
  readonly verifier: SignatureVerifier;
  /** The region's gRPC server and its calls to partners. */
  readonly grpc: RegionGrpcOptions;
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
  /** Resolves once the inbox consumer has joined its group. */
  inboxStarted(): Promise<void>;
  /** Stops consuming the region's inbox topics (records stay on the bus). */
  pauseInbox(): Promise<void>;
  /** Consumes again from the committed offsets. */
  resumeInbox(): Promise<void>;
  /** Stops taking requests, finishes in-flight work, closes the ledger. */
  close(): Promise<void>;
}

/** Starts a region's gateway and resolves once it listens. */
export async function startRegion(o: RegionOptions): Promise<RegionHandle> {
  const log = o.log.child({ region: o.region });
  const store =
    o.store ??
    new SqliteLedger({
      path: join(o.dataDir, o.region, "ledger.db"),
      ...(o.cipher ? { cipher: o.cipher } : {}),
    });
  let relay: OutboxRelay | undefined;
  const metrics = createMetrics(o.region);
  const context: RegionContext = {
    region: o.region,
    // Each gateway holds its own view of the catalogs: they change at runtime (catalog upkeep).
    federation: { ...o.config.federation, catalogs: new CatalogBook(o.config.federation.catalogs) },
    store,
    materials: new FsMaterialStore(join(o.dataDir, o.region, "materials")),
    bus: o.bus,
    clock: { now: () => new Date() },
    ids: ulidGenerator(),
    calendar: new WorkCalendar(o.config.holidays),
    log,
    outboxChanged: () => relay?.notify(),
    changes: new CaseChanges(),
    signer: o.signer,
    verifier: o.verifier,
    refused: (kind) => metrics.refused.inc({ reason: kind }),
  };
  relay = new OutboxRelay(context);
  relay.start();
  // Not fatal: with the bus away the gateway still takes cases (the outbox keeps them), the inbox
  // keeps trying to subscribe, and /readyz says what is missing.
  await o.bus.ensureTopics([...inboxTopics(o.region), `xr.v1.dlq.${o.region}`]).catch((err) => {
    log.error({ err }, "bus topics not ready; will retry through the inbox and the relay");
  });
  const subscribe = () =>
    o.bus.subscribe({
      groupId: `xr-gateway-${o.region}`,
      topics: inboxTopics(o.region),
      handler: async (record) => {
        try {
          metrics.received.inc({ outcome: await receiveWithRetries(context, record) });
        } catch (err) {
          // Only while the ledger is unavailable: the bus holds the partition and delivers the record again.
          log.warn(
            { err, topic: record.topic, offset: record.offset },
            "ledger unavailable; inbox paused on this record",
          );
          throw err;
        }
      },
    });
  const inbox = new InboxRunner(subscribe, log);
  inbox.start();
  // Events that waited too long for what they need go to the dead-letter topic with an alert.
  let sweeping: Promise<unknown> | undefined;
  const sweep = setInterval(() => {
    // One sweep at a time; close() waits for the one in hand.
    sweeping ??= sweepParked(context)
      .catch((err) => log.error({ err }, "parked-event sweep failed"))
      .finally(() => {
        sweeping = undefined;
      });
  }, 60_000);
  sweep.unref();
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
  const upkeep = startCatalogUpkeep({
    region: o.region,
    config: o.config,
    book: context.federation.catalogs as CatalogBook,
    partners,
    subscribe: (listener) => context.changes.subscribe(listener),
    getCase: (caseId) => store.getCase(caseId),
    log,
  });
  const grpcServer = await startGrpcServer(context, {
    host: o.grpc.host,
    port: o.grpc.port,
    security: o.grpc.security,
    ...(o.grpc.credentials ? { credentials: o.grpc.credentials } : {}),
  });
  const closing = new AbortController();
  const app = createRestApp(context, {
    metrics: metrics.registry,
    staff: o.staff,
    closing: closing.signal,
    readiness: async () => ({
      inbox: inbox.state,
      breakers: {
        bus: relay?.breakerState ?? "closed",
        ...prefixed("partner:", partners.breakerStates()),
        ...upkeep.breakerStates(),
      },
    }),
    before: [metrics.httpMiddleware],
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(o.port, o.host, () => resolve(s));
    s.once("error", reject);
  });
  // Longer than the usual load-balancer idle timeout (60 s), so the proxy, not the gateway, closes idle
  // keep-alive connections: otherwise a client may send on a socket the gateway is just closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
    inboxStarted: () => inbox.started(),
    pauseInbox: () => inbox.pause(),
    resumeInbox: () => inbox.resume(),
    close: async () => {
      closing.abort();
      clearInterval(sweep);
      await sweeping;
      await grpcServer.close();
      await materialFetcher.stop();
      await upkeep.stop();
      partners.close();
      await new Promise<void>((resolve) => {
        // In-flight requests get a moment to finish; a connection still open after that (a client
        // that never read its answer) must not hold the shutdown.
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      await inbox.stop();
      await relay?.stop();
      await store.close();
    },
  };
}

function prefixed<T>(prefix: string, o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}${k}`, v]));
}
