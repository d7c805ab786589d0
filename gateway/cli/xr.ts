#!/usr/bin/env node
/**
 * The `xr` command: the operator's and integration engineer's entry point.
 * Thin: it parses arguments (commander) and calls the gateway's functions.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../config/load.js";
import { tokenHash } from "../config/staff.js";
import { partnersOf } from "../domain/matter.js";
import { ROLES } from "../domain/staff.js";
import { PROJECT_ROOT } from "../paths.js";
import type { LedgerStore } from "../ports/store.js";
import { aesGcmCipher } from "../security/cipher.js";
import { loadDataKey } from "../security/data-key.js";
import { generateKeys } from "../security/keys-dir.js";
import { openLedger } from "../store/open.js";
import { regionSchemas } from "../store/pg/schemas.js";
import { provisionAcls, provisionTopics, regionAcls } from "../transports/kafka/provision.js";
import { registerAdapterCommands } from "./adapter-commands.js";
import { registerAuditCommands } from "./audit-commands.js";
import { registerCalendarCommands } from "./calendar-commands.js";
import { registerLedgerCommands } from "./ledger-commands.js";

/** Commander names the option and the value; this says what was wrong with it. */
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("It must be a positive whole number.");
  return n;
};
const REGIONS = "comma-separated region codes (default: every region in config/federation.yaml)";

/** A comma-separated option value as a list. */
const list = (value: unknown) =>
  String(value)
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
/** The configuration in `dir`, with the project's adapters. */
const configIn = (dir: string) => loadConfig(dir, join(PROJECT_ROOT, "adapters"));

const program = new Command("xr").description("跨域通办 cross-region gateway").showHelpAfterError();

program
  .command("start")
  .description("run the gateway for the configured regions (same as npm start)")
  .action(async () => {
    await import("../main.js");
  });

const kafka = program.command("kafka").description("Kafka operations");
kafka
  .command("provision")
  .description("create or update the per-region topics (idempotent) and print what was done")
  .option("--brokers <list>", "comma-separated bootstrap servers", process.env.KAFKA_BROKERS)
  .option("--regions <list>", REGIONS)
  .option("--partitions <n>", "partitions per topic", positiveInt, 6)
  .option("--replication-factor <n>", "replicas per partition", positiveInt, 3)
  .option("--min-insync <n>", "min.insync.replicas", positiveInt, 2)
  .option("--retention-days <n>", "retention of inbox topics", positiveInt, 7)
  .option("--dlq-retention-days <n>", "retention of dead-letter topics", positiveInt, 30)
  .option("--config <dir>", "configuration directory", join(PROJECT_ROOT, "config"))
  .option("--acls", "also create each region's prefixed ACLs (principal User:xr-<region>)")
  .option("--sasl-username <name>", "SCRAM-SHA-256 user to provision as", process.env.KAFKA_SASL_USERNAME)
  .option(
    "--sasl-password <secret>",
    "its password (or KAFKA_SASL_PASSWORD)",
    process.env.KAFKA_SASL_PASSWORD,
  )
  .action(async (o) => {
    if (!o.brokers) program.error("xr kafka provision: give --brokers or set KAFKA_BROKERS");
    if (o.minInsync > o.replicationFactor) program.error("--min-insync cannot exceed --replication-factor");
    const regions = o.regions ? list(o.regions) : [...(await configIn(o.config)).federation.regions.keys()];
    const sasl = o.saslUsername
      ? {
          mechanism: "scram-sha-256" as const,
          username: String(o.saslUsername),
          password: String(o.saslPassword ?? ""),
        }
      : undefined;
    const brokers = list(o.brokers);
    const lines = await provisionTopics(
      brokers,
      regions,
      {
        partitions: o.partitions,
        replicationFactor: o.replicationFactor,
        minInsyncReplicas: o.minInsync,
        retentionDays: o.retentionDays,
        dlqRetentionDays: o.dlqRetentionDays,
      },
      sasl,
    );
    if (o.acls) {
      const config = await configIn(o.config);
      const rules = regions.flatMap((r) => regionAcls(r, partnersOf(config.federation, r)));
      lines.push(...(await provisionAcls(brokers, rules, sasl)));
    }
    for (const l of lines) process.stdout.write(`${l.action.padEnd(9)} ${l.topic}  ${l.detail}\n`);
    const count = (a: string) => lines.filter((l) => l.action === a).length;
    process.stdout.write(
      `${count("created")} created, ${count("updated")} updated, ${count("unchanged")} unchanged\n`,
    );
  });

const keys = program.command("keys").description("certificates for mutual TLS between gateways");
keys
  .command("generate")
  .description(
    "create a development federation CA and a certificate per region (region code as the subject's CN); " +
      "keeps what exists unless --force",
  )
  .option("--dir <dir>", "key directory (default: <XR_DATA_DIR or data>/<grpc.keys of federation.yaml>)")
  .option("--regions <list>", REGIONS)
  .option("--hosts <list>", "names and addresses the certificates are valid for", "localhost,127.0.0.1,::1")
  .option("--force", "start over with a new CA (every gateway must get the new files)")
  .option(
    "--signing <keyId>",
    "also make each region an Ed25519 envelope-signing key with this id, and print its signing-keys.yaml entry",
  )
  .option("--config <dir>", "configuration directory", join(PROJECT_ROOT, "config"))
  .action(async (o) => {
    const config = await configIn(o.config);
    const dir: string =
      o.dir ?? resolve(process.env.XR_DATA_DIR ?? join(PROJECT_ROOT, "data"), config.grpc.keys);
    const regions = o.regions ? list(o.regions) : [...config.federation.regions.keys()];
    for (const r of regions)
      if (!/^\d{6}$/.test(r)) program.error(`--regions: "${r}" is not a six-digit region code`);
    const made = await generateKeys({
      dir,
      federationName: config.name,
      regions,
      hosts: list(o.hosts),
      force: Boolean(o.force),
    });
    for (const f of made.created) process.stdout.write(`created   ${f}\n`);
    for (const f of made.kept) process.stdout.write(`kept      ${f}\n`);
    process.stdout.write(
      `${made.created.length} created, ${made.kept.length} kept in ${dir}\n` +
        "ca.key signs new region certificates: keep it off the gateways in production.\n",
    );
    if (o.signing) {
      const keyId = String(o.signing);
      if (!/^[\w.-]{1,64}$/.test(keyId))
        program.error("--signing: a key id is 1–64 letters, digits, '.', '_' or '-'");
      process.stdout.write(
        "\nadd to config/signing-keys.yaml under keys (every member needs these lines):\n",
      );
      for (const region of regions) {
        const { privateKey, publicKey } = generateKeyPairSync("ed25519");
        const pem = privateKey.export({ format: "pem", type: "pkcs8" });
        writeFileSync(join(dir, `${region}.signing.key`), pem, { mode: 0o600 });
        writeFileSync(join(dir, `${region}.signing.keyid`), `${keyId}\n`);
        const spki = publicKey.export({ format: "der", type: "spki" }).toString("base64");
        process.stdout.write(`  - region: "${region}"\n    keyId: ${keyId}\n    publicKey: ${spki}\n`);
      }
    }
  });

const staffCmd = program.command("staff").description("staff credentials of the REST API and window page");
staffCmd
  .command("token")
  .description(
    "make a random token; prints it once, and the line to add to config/staff.yaml (which keeps only its hash)",
  )
  .requiredOption("--region <code>", "the region whose gateway it is for")
  .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
  .requiredOption("--name <name>", "who it is for (shown on the page and in logs)")
  .option("--expires <date>", "last day it is good for (YYYY-MM-DD)")
  .option("--id <id>", "staff id (工号) every event the member takes names with --name as its 经办人")
  .action((o) => {
    if (!/^[1-8]\d{5}$/.test(String(o.region)))
      program.error(`--region: "${o.region}" is not a six-digit region code`);
    if (!(ROLES as readonly string[]).includes(String(o.role)))
      program.error(`--role must be one of ${ROLES.join(", ")}`);
    if (o.expires && !/^\d{4}-\d{2}-\d{2}$/.test(String(o.expires)))
      program.error("--expires must be YYYY-MM-DD");
    if (o.id !== undefined && !/^[\p{L}\p{N}._-]{1,64}$/u.test(String(o.id)))
      program.error("--id must be 1-64 letters, digits, dots, dashes or underscores");
    const token = `xr_${randomBytes(24).toString("base64url")}`;
    process.stdout.write(
      `token (give it to ${o.name}; it is not stored anywhere): ${token}\n\nadd to config/staff.yaml under tokens:\n`,
    );
    process.stdout.write(
      (o.id ? `  - id: ${JSON.stringify(String(o.id))}\n    name: ` : "  - name: ") +
        `${JSON.stringify(String(o.name))}\n    role: ${o.role}\n    region: "${o.region}"\n    sha256: ${tokenHash(token)}\n` +
        (o.expires ? `    expires: ${o.expires}\n` : ""),
    );
  });

registerCalendarCommands(program);

const dataDirOf = (o: { dataDir?: string }) =>
  o.dataDir ?? process.env.XR_DATA_DIR ?? join(PROJECT_ROOT, "data");
/**
 * The region's ledger: in PostgreSQL when DATABASE_URL is set (as the gateway
 * reads it), otherwise the SQLite file under the data directory.
 */
const ledgerOf = async (dataDir: string, region: string, keysDir?: string): Promise<LedgerStore> => {
  const databaseUrl = process.env.DATABASE_URL;
  const path = join(dataDir, region, "ledger.db");
  if (!databaseUrl && !existsSync(path)) program.error(`no ledger for ${region} at ${path}`);
  // The log's envelopes are encrypted at rest; reading them takes the gateway's data key.
  try {
    const keys = keysDir ?? process.env.XR_KEYS_DIR ?? join(dataDir, "keys");
    const { key } = loadDataKey(process.env, keys, false);
    return await openLedger({ region, dataDir, databaseUrl, cipher: aesGcmCipher(key) });
  } catch (err) {
    return program.error(`xr audit: ${(err as Error).message}`);
  }
};
/** Regions with a ledger: schemas `xr_<region>` in PostgreSQL, or `<data dir>/<region>/ledger.db`. */
const regionsWithLedgers = async (dataDir: string): Promise<string[]> =>
  process.env.DATABASE_URL
    ? regionSchemas(process.env.DATABASE_URL)
    : readdirSync(dataDir).filter((d) => existsSync(join(dataDir, d, "ledger.db")));
registerAdapterCommands(program);
registerLedgerCommands(program);
registerAuditCommands(program, { dataDirOf, ledgerOf, regionsWithLedgers });

await program.parseAsync(process.argv);
