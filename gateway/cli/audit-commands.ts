/**
 * `xr audit verify|export|checkpoint`: the auditor's commands over each
 * region's message log. Thin: they open the ledger as the gateway does, call
 * gateway/audit/ and the checkpoint use cases, and print what they found.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { compareWithCheckpoints } from "../audit/anchors.js";
import { type AuditBundle, buildBundle, checkBundle } from "../audit/bundle.js";
import { deliveryOf } from "../audit/delivery.js";
import { auditLedger, verifyLog } from "../audit/verify-log.js";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import { loadSigningConfig, regionSigner } from "../config/signing-keys.js";
import { partnersOf as federationPartners } from "../domain/matter.js";
import { PROJECT_ROOT } from "../paths.js";
import type { LedgerStore } from "../ports/store.js";
import { createLogger } from "../runtime/logger.js";
import { registryVerifier } from "../security/ed25519.js";
import { readRegionCredentials } from "../security/keys-dir.js";
import { PartnerGateways } from "../transports/grpc/partners.js";
import {
  type CheckpointContext,
  checkpointNow,
  MAX_CHECKPOINTS,
  partnersCheckpoints,
} from "../usecases/checkpoints.js";

const KEYS_DIR = "where data.key is (default: XR_KEYS_DIR or <data dir>/keys); or set XR_DATA_KEY";
const CONFIG = "configuration directory (federation.yaml, signing-keys.yaml)";
const PARTNERS = "comma-separated partner regions to ask (default: every partner of the region)";
const PARTNER_ADDRESS =
  "a partner's gRPC address, e.g. 430100=10.0.0.7:9430 (repeat; default: federation.yaml)";

/** A comma-separated option value as a list. */
const list = (value: unknown) =>
  String(value)
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
/** Collects a repeated `region=host:port` option. */
const addressOption = (value: string, previous: Record<string, string> = {}) => {
  const m = /^(\d{6})=(.+:\d+)$/.exec(value);
  if (!m) throw new Error(`--partner-address: "${value}" is not <region>=<host>:<port>`);
  return { ...previous, [m[1] as string]: m[2] as string };
};

/** How `xr` finds and opens a region's ledger (gateway/cli/xr.ts). */
export interface LedgerAccess {
  dataDirOf(o: { dataDir?: string }): string;
  /** The region's ledger, opened with the gateway's data key from `keysDir`. */
  ledgerOf(dataDir: string, region: string, keysDir?: string): Promise<LedgerStore>;
  regionsWithLedgers(dataDir: string): Promise<string[]>;
}

/** Where the region certificates and signing keys are, as the gateway finds them. */
const keysDirOf = (o: { keysDir?: string }, dataDir: string, config: LoadedConfig) =>
  o.keysDir ?? process.env.XR_KEYS_DIR ?? resolve(dataDir, config.grpc.keys);

/** Adds `audit` to `program`. */
export function registerAuditCommands(program: Command, ledgers: LedgerAccess): void {
  const fail = (message: string): never => program.error(message);
  const configIn = (dir: string) => loadConfig(dir, join(PROJECT_ROOT, "adapters"));
  const { dataDirOf, ledgerOf, regionsWithLedgers } = ledgers;
  /** What the checkpoint use cases need of `region`, and its gRPC clients of its partners. */
  const partnersOf = (
    region: string,
    config: LoadedConfig,
    configDir: string,
    keysDir: string,
    store: LedgerStore,
    overrides: Record<string, string> = {},
  ): { ctx: CheckpointContext; partners: PartnerGateways } => {
    const signing = loadSigningConfig(configDir, config.federation.regions.keys());
    const addresses = new Map<string, string>();
    for (const [code, a] of config.grpcListen)
      addresses.set(code, `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`);
    for (const [code, address] of Object.entries(overrides)) addresses.set(code, address);
    const log = createLogger("error", process.stderr);
    const security = config.grpc.security;
    const partners = new PartnerGateways({
      region,
      security,
      ...(security === "mtls" ? { credentials: readRegionCredentials(keysDir, region) } : {}),
      addresses: () => addresses,
      log,
    });
    const ctx: CheckpointContext = {
      region,
      federation: config.federation,
      store,
      signer: regionSigner(keysDir, region, signing.devKeys),
      verifier: registryVerifier(signing.registry),
      clock: { now: () => new Date() },
      log,
    };
    return { ctx, partners };
  };

  const audit = program.command("audit").description("the hash-chained message log of each region");
  audit
    .command("verify")
    .description(
      "walk each region's message log, check every logged envelope's signature against the federation's key " +
        "registry, cross-check the cases and events tables with the log, and compare the log with the " +
        "checkpoints of it its partners keep (exit 1 on any problem)",
    )
    .option("--regions <list>", "comma-separated region codes (default: every region with a ledger)")
    .option("--data-dir <dir>", "data directory (default: XR_DATA_DIR or data/)")
    .option("--keys-dir <dir>", KEYS_DIR)
    .option("--config <dir>", CONFIG, join(PROJECT_ROOT, "config"))
    .option("--partner-address <region=host:port>", PARTNER_ADDRESS, addressOption)
    .option("--partners <list>", PARTNERS, list)
    .option("--offline", "do not ask partners for their checkpoints (the log is then not anchored)")
    .option(
      "--bundle <file>",
      "check an exported bundle instead (against the registry, not the keys it carries)",
    )
    .action(async (o) => {
      const configDir = String(o.config);
      const config = await configIn(configDir);
      const registry = loadSigningConfig(configDir, config.federation.regions.keys()).registry;
      if (o.bundle) {
        const bundle = JSON.parse(readFileSync(String(o.bundle), "utf8")) as AuditBundle;
        const problems = checkBundle(bundle, registry);
        for (const p of problems) process.stdout.write(`BROKEN  ${p}\n`);
        if (problems.length === 0)
          process.stdout.write(
            `ok      ${o.bundle}: every record holds and every signature verifies with the federation's key registry\n`,
          );
        process.exitCode = problems.length === 0 ? 0 : 1;
        return;
      }
      const dataDir = dataDirOf(o);
      const regions = o.regions ? list(o.regions) : await regionsWithLedgers(dataDir);
      const verifier = registryVerifier(registry);
      let broken = 0;
      for (const region of regions) {
        const keysDir = keysDirOf(o, dataDir, config);
        const store = await ledgerOf(dataDir, region, keysDir);
        try {
          const audited = await auditLedger(store, region, verifier);
          const { log } = audited;
          const problems = [...audited.problems];
          const problem = (p: string) => {
            problems.push(p);
          };
          const anchors: string[] = [];
          // Partners not asked (offline) or not answering: the countersigned copies kept here stand in.
          // Whoever can change the database can delete them, but cannot forge a partner's countersignature.
          const member = config.federation.regions.has(region);
          const unreached = new Set(member ? federationPartners(config.federation, region) : []);
          if (!o.offline && member) {
            const { ctx, partners } = partnersOf(region, config, configDir, keysDir, store, o.partnerAddress);
            try {
              // All a partner keeps (up to its limit): a later checkpoint must not hide an earlier one.
              const asked = {
                limit: MAX_CHECKPOINTS,
                ...(o.partners ? { only: o.partners as string[] } : {}),
              };
              for (const held of await partnersCheckpoints(ctx, partners, asked)) {
                if (held.error !== undefined) {
                  process.stdout.write(
                    `WARN    ${region}: could not ask ${held.partner} for its checkpoints: ${held.error}\n`,
                  );
                  continue;
                }
                unreached.delete(held.partner);
                const kept = held.checkpoints ?? [];
                for (const p of await compareWithCheckpoints(store, region, held.partner, kept, verifier))
                  problem(p);
                if (kept[0]) anchors.push(`${held.partner} keeps record ${kept[0].seq}`);
              }
            } finally {
              partners.close();
            }
          }
          for (const partner of unreached) {
            const copies = await store.checkpoints(region, partner, MAX_CHECKPOINTS);
            for (const p of await compareWithCheckpoints(store, region, partner, copies, verifier))
              problem(`${p} (the copy kept here)`);
            if (copies[0]) anchors.push(`${partner}'s countersigned record ${copies[0].seq}, as kept here`);
          }
          if (log.break)
            process.stdout.write(`BROKEN  ${region}: record ${log.break.seq}: ${log.break.problem}\n`);
          for (const p of problems) process.stdout.write(`BROKEN  ${region}: ${p}\n`);
          if (log.break || problems.length > 0) broken++;
          else
            process.stdout.write(
              `ok      ${region}: ${log.records} records, head ${log.head.hash}` +
                `${anchors.length > 0 ? `; anchored: ${anchors.join(", ")}` : ""}\n`,
            );
        } finally {
          await store.close();
        }
      }
      process.exitCode = broken === 0 ? 0 : 1;
    });
  audit
    .command("checkpoint")
    .description(
      "sign each region's log head now and hand it to every partner, which countersigns and keeps it " +
        "(the gateway also does this every audit.checkpointSeconds)",
    )
    .option("--regions <list>", "comma-separated region codes (default: every region with a ledger)")
    .option("--data-dir <dir>", "data directory (default: XR_DATA_DIR or data/)")
    .option("--keys-dir <dir>", KEYS_DIR)
    .option("--config <dir>", CONFIG, join(PROJECT_ROOT, "config"))
    .option("--partner-address <region=host:port>", PARTNER_ADDRESS, addressOption)
    .option("--partners <list>", PARTNERS, list)
    .action(async (o) => {
      const configDir = String(o.config);
      const config = await configIn(configDir);
      const dataDir = dataDirOf(o);
      const regions = o.regions ? list(o.regions) : await regionsWithLedgers(dataDir);
      let failed = 0;
      for (const region of regions) {
        const keysDir = keysDirOf(o, dataDir, config);
        const store = await ledgerOf(dataDir, region, keysDir);
        const { ctx, partners } = partnersOf(region, config, configDir, keysDir, store, o.partnerAddress);
        try {
          for (const r of await checkpointNow(ctx, partners, o.partners ? { only: o.partners } : {})) {
            if ("error" in r) {
              failed++;
              process.stdout.write(`FAILED  ${region}: ${r.partner}: ${r.error}\n`);
            } else
              process.stdout.write(
                `ok      ${region}: record ${r.checkpoint.seq} (${r.checkpoint.hash}) countersigned by ${r.partner} at ${r.checkpoint.witnessedAt}\n`,
              );
          }
        } finally {
          partners.close();
          await store.close();
        }
      }
      process.exitCode = failed === 0 ? 0 : 1;
    });
  audit
    .command("show <caseId>")
    .description(
      "list a case's envelopes in a region's log: what was sent to whom and whether its receiver acknowledged " +
        "it with a signed receipt, and what was received (exit 1 if a sent envelope is not acknowledged)",
    )
    .requiredOption("--region <code>", "whose log to read")
    .option("--data-dir <dir>", "data directory (default: XR_DATA_DIR or data/)")
    .option("--keys-dir <dir>", KEYS_DIR)
    .option("--config <dir>", CONFIG, join(PROJECT_ROOT, "config"))
    .action(async (caseId: string, o) => {
      const config = await configIn(o.config);
      const registry = loadSigningConfig(o.config, config.federation.regions.keys()).registry;
      const region = String(o.region);
      const store = await ledgerOf(dataDirOf(o), region, o.keysDir);
      const records = await store.logForCase(caseId).finally(() => store.close());
      if (records.length === 0) fail(`no envelopes of case ${caseId} in ${region}'s log`);
      let unacknowledged = 0;
      for (const l of deliveryOf(records, region, registryVerifier(registry))) {
        const head = `${l.direction.padEnd(9)} record ${l.seq}  ${l.eventId}  ${l.type}`;
        if (l.direction !== "sent") {
          process.stdout.write(`${head} from ${l.peer} at ${l.at}\n`);
          continue;
        }
        const state = l.acknowledgedAt
          ? `acknowledged: received at ${l.acknowledgedAt} (signed receipt)`
          : l.receiptIssue
            ? `NOT acknowledged: its receipt does not hold: ${l.receiptIssue}`
            : "NOT acknowledged yet";
        if (!l.acknowledgedAt) unacknowledged++;
        process.stdout.write(`${head} to ${l.peer} at ${l.at}; ${state}\n`);
      }
      process.exitCode = unacknowledged === 0 ? 0 : 1;
    });
  audit
    .command("export <caseId>")
    .description("write a self-contained bundle of a case's envelopes (check it with audit verify --bundle)")
    .requiredOption("--region <code>", "whose log to export from")
    .option("--data-dir <dir>", "data directory (default: XR_DATA_DIR or data/)")
    .option("--out <file>", "where to write (default: standard output)")
    .option("--keys-dir <dir>", KEYS_DIR)
    .option("--config <dir>", CONFIG, join(PROJECT_ROOT, "config"))
    .action(async (caseId: string, o) => {
      const config = await configIn(o.config);
      const signing = loadSigningConfig(o.config, config.federation.regions.keys());
      const store = await ledgerOf(dataDirOf(o), String(o.region), o.keysDir);
      const records = await store.logForCase(caseId);
      const report = await verifyLog(store);
      await store.close();
      if (records.length === 0) fail(`no envelopes of case ${caseId} in ${o.region}'s log`);
      const bundle = buildBundle(
        String(o.region),
        caseId,
        records,
        report.head,
        signing.registry,
        new Date(),
      );
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      if (o.out) {
        writeFileSync(String(o.out), text);
        process.stderr.write(`${records.length} records of ${caseId} written to ${o.out}\n`);
      } else process.stdout.write(text);
    });
}
