#!/usr/bin/env node
/**
 * The `xr` command: the operator's and integration engineer's entry point.
 * Thin: it parses arguments (commander) and calls the gateway's functions.
 */
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../config/load.js";
import { PROJECT_ROOT } from "../paths.js";
import { generateKeys } from "../security/keys-dir.js";
import { provisionTopics } from "../transports/kafka/provision.js";

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a positive whole number`);
  return n;
};

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
  .option(
    "--regions <list>",
    "comma-separated region codes (default: every region in config/federation.yaml)",
  )
  .option("--partitions <n>", "partitions per topic", positiveInt("--partitions"), 6)
  .option("--replication-factor <n>", "replicas per partition", positiveInt("--replication-factor"), 3)
  .option("--min-insync <n>", "min.insync.replicas", positiveInt("--min-insync"), 2)
  .option("--retention-days <n>", "retention of inbox topics", positiveInt("--retention-days"), 7)
  .option(
    "--dlq-retention-days <n>",
    "retention of dead-letter topics",
    positiveInt("--dlq-retention-days"),
    30,
  )
  .option("--config <dir>", "configuration directory", join(PROJECT_ROOT, "config"))
  .action(async (o) => {
    if (!o.brokers) program.error("xr kafka provision: give --brokers or set KAFKA_BROKERS");
    if (o.minInsync > o.replicationFactor) program.error("--min-insync cannot exceed --replication-factor");
    const regions: string[] = o.regions
      ? String(o.regions)
          .split(",")
          .map((r) => r.trim())
      : [...(await loadConfig(o.config, join(PROJECT_ROOT, "adapters"))).federation.regions.keys()];
    const lines = await provisionTopics(String(o.brokers).split(","), regions, {
      partitions: o.partitions,
      replicationFactor: o.replicationFactor,
      minInsyncReplicas: o.minInsync,
      retentionDays: o.retentionDays,
      dlqRetentionDays: o.dlqRetentionDays,
    });
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
  .option(
    "--regions <list>",
    "comma-separated region codes (default: every region in config/federation.yaml)",
  )
  .option("--hosts <list>", "names and addresses the certificates are valid for", "localhost,127.0.0.1,::1")
  .option("--force", "start over with a new CA (every gateway must get the new files)")
  .option("--config <dir>", "configuration directory", join(PROJECT_ROOT, "config"))
  .action(async (o) => {
    const config = await loadConfig(o.config, join(PROJECT_ROOT, "adapters"));
    const dir: string =
      o.dir ?? resolve(process.env.XR_DATA_DIR ?? join(PROJECT_ROOT, "data"), config.grpc.keys);
    const regions = o.regions
      ? String(o.regions)
          .split(",")
          .map((r) => r.trim())
      : [...config.federation.regions.keys()];
    for (const r of regions)
      if (!/^\d{6}$/.test(r)) program.error(`--regions: "${r}" is not a six-digit region code`);
    const made = await generateKeys({
      dir,
      federationName: config.name,
      regions,
      hosts: String(o.hosts)
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean),
      force: Boolean(o.force),
    });
    for (const f of made.created) process.stdout.write(`created   ${f}\n`);
    for (const f of made.kept) process.stdout.write(`kept      ${f}\n`);
    process.stdout.write(
      `${made.created.length} created, ${made.kept.length} kept in ${dir}\n` +
        "ca.key signs new region certificates: keep it off the gateways in production.\n",
    );
  });

await program.parseAsync(process.argv);
