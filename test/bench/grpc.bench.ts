/**
 * gRPC read benchmark (`npm run bench:grpc`): `xr.v1.CaseExchange/GetCase`
 * through the gateway against a bare grpc-js server answering the same Case
 * without work (the ceiling), in one run, both over the same mutual TLS, each
 * server in its own process. The caller is the partner region 440100 reading
 * a case it is party to, as a partner gateway does.
 *
 * Per target: a 2 s warm-up (discarded), then BENCH_SECONDS (default 10) with
 * CONCURRENCY calls in flight from one grpc-js client. Prints calls/s, p50 and
 * p99 latency and the server process's CPU use (a server under 100% of one
 * core is not the bottleneck: then the client is, and the ratio flatters).
 * Exits 1 on any failed call. Target: GetCase ≥ 60% of the bare server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { LOADER_OPTIONS } from "../../gateway/transports/grpc/loader.js";
import { startServer, stopAllServers } from "./servers.js";

const CONCURRENCY = 32;
const WARMUP_SECONDS = 2;
const SECONDS = Math.max(1, Math.min(600, Number(process.env.BENCH_SECONDS ?? 10) || 10));
const TARGET_RATIO_PCT = 60;

// The options the gateway loads with, so both sides (de)serialize exactly as it does.
const definition = protoLoader.loadSync(["xr/v1/case_exchange.proto"], LOADER_OPTIONS);
const xr = (grpc.loadPackageDefinition(definition).xr as grpc.GrpcObject).v1 as grpc.GrpcObject;
const CaseExchange = xr.CaseExchange as grpc.ServiceClientConstructor;

type GetCase = (
  req: object,
  options: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void,
) => void;

function client(address: string, keysDir: string): grpc.Client {
  const creds = grpc.credentials.createSsl(
    readFileSync(join(keysDir, "ca.crt")),
    readFileSync(join(keysDir, "440100.key")),
    readFileSync(join(keysDir, "440100.crt")),
  );
  return new CaseExchange(address, creds);
}

function getCase(c: grpc.Client, caseId: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    ((c as unknown as { GetCase: GetCase }).GetCase as GetCase).call(
      c,
      { caseId },
      { deadline: Date.now() + 10_000 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface Figures {
  readonly callsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly calls: number;
  readonly failures: number;
  readonly serverCpuPct: number;
}

async function drive(c: grpc.Client, caseId: string, seconds: number, pid: number): Promise<Figures> {
  const latencies: number[] = [];
  let failures = 0;
  const cpu0 = cpuSeconds(pid);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await getCase(c, caseId);
          latencies.push(performance.now() - t0);
        } catch (err) {
          failures++;
          if (failures === 1) console.error("call failed:", (err as Error).message);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    callsPerSec: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    calls: latencies.length,
    failures,
    serverCpuPct: (100 * cpu) / elapsed,
  };
}

async function measure(name: string, address: string, keysDir: string, caseId: string, pid: number) {
  const c = client(address, keysDir);
  await drive(c, caseId, WARMUP_SECONDS, pid);
  const f = await drive(c, caseId, SECONDS, pid);
  c.close();
  console.log(
    `${name.padEnd(22)} ${f.callsPerSec.toFixed(0).padStart(7)} calls/s  p50 ${f.p50Ms.toFixed(2)} ms  ` +
      `p99 ${f.p99Ms.toFixed(2)} ms  server CPU ${f.serverCpuPct.toFixed(0)}%  (${f.calls} calls, ${f.failures} failed)`,
  );
  return f;
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-grpc-bench-"));
  try {
    const gw = await startServer("gateway", "grpc-gateway-server.ts", "address", { BENCH_DATA_DIR: dataDir });
    const { address, caseId, keysDir } = gw.info as { address: string; caseId: string; keysDir: string };
    // The ceiling answers exactly what the gateway answers.
    const probe = client(address, keysDir);
    const answer = await getCase(probe, caseId);
    probe.close();
    const caseFile = join(dataDir, "case.json");
    writeFileSync(caseFile, JSON.stringify(answer));
    const echo = await startServer("echo", "grpc-echo-server.ts", "address", {
      BENCH_KEYS_DIR: keysDir,
      BENCH_CASE_FILE: caseFile,
    });
    console.log(
      `GetCase, ${CONCURRENCY} in flight, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, mutual TLS:`,
    );
    const bare = await measure(
      "bare grpc-js (ceiling)",
      String(echo.info.address),
      keysDir,
      caseId,
      echo.server.proc.pid as number,
    );
    const through = await measure("gateway GetCase", address, keysDir, caseId, gw.server.proc.pid as number);
    const ratio = (100 * through.callsPerSec) / bare.callsPerSec;
    console.log(
      `ratio: gateway GetCase = ${ratio.toFixed(1)}% of the bare server (target ≥ ${TARGET_RATIO_PCT}%: ${ratio >= TARGET_RATIO_PCT ? "PASS" : "MISS"})`,
    );
    return bare.failures + through.failures > 0 ? 1 : 0;
  } finally {
    await stopAllServers();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const budget = setTimeout(
  () => {
    console.error("benchmark exceeded its time budget; stopping");
    void stopAllServers().finally(() => process.exit(1));
  },
  (2 * (WARMUP_SECONDS + SECONDS) + 120) * 1000,
);
let code = 1;
try {
  code = await main();
} catch (err) {
  console.error("benchmark failed:", err);
} finally {
  clearTimeout(budget);
}
process.exit(code);
