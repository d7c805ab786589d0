#!/usr/bin/env node
/**
 * The `xr` command: the operator's and integration engineer's entry point.
 * Thin: it parses arguments (commander) and calls the gateway's functions.
 */
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../config/load.js";
import { PROJECT_ROOT } from "../paths.js";
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

await program.parseAsync(process.argv);
