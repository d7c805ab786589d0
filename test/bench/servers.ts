/**
 * Server processes of the benchmarks: each server runs as
 * `node --import tsx <script>` in its own process, so the load generator does
 * not share its event loop, and announces itself with one JSON line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PROJECT_ROOT } from "../../gateway/paths.js";

/** Longest wait for a server to print its address. */
const START_TIMEOUT_MS = 60_000;
const HERE = fileURLToPath(new URL(".", import.meta.url));

/** A running server process. */
export interface Server {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
}

const servers = new Set<Server>();

/**
 * Starts `node --import tsx <script>` and resolves with its announcement: the
 * first stdout line that is a JSON object with `key`. Other stdout lines (the
 * gateway's warn-level logs) are passed on to stderr.
 */
export function startServer(
  name: string,
  script: string,
  key: string,
  env: Record<string, string> = {},
  timeoutMs = START_TIMEOUT_MS,
): Promise<{ server: Server; info: Record<string, unknown> }> {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(profileDir, name)}`] : [];
  const proc = spawn(process.execPath, [...profile, "--import", "tsx", join(HERE, script)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    // stdin stays open: the child exits when it closes, i.e. when we are gone.
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((done) => proc.once("exit", () => done()));
  const server: Server = { name, proc, exited };
  servers.add(server);
  return new Promise((resolvePromise, reject) => {
    let announced = false;
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not announce ${key} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    proc.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!announced) reject(new Error(`${name} exited (${signal ?? code}) before announcing ${key}`));
    });
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (!announced) {
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          msg = undefined;
        }
        if (msg && typeof msg === "object" && key in msg && !("level" in msg)) {
          announced = true;
          clearTimeout(timer);
          resolvePromise({ server, info: msg as Record<string, unknown> });
          return;
        }
      }
      process.stderr.write(`[${name}] ${line}\n`);
    });
  });
}

/** Whether `p` settles within `ms`. */
export async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  const ok = await Promise.race([p.then(() => true as const), timeout]);
  clearTimeout(timer);
  return ok;
}

/** SIGTERM (the child closes cleanly), SIGKILL if it takes more than 10 s. */
export async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    s.proc.kill("SIGTERM");
    if (!(await within(s.exited, 10_000))) {
      console.error(`${s.name} did not stop within 10 s; killing it`);
      s.proc.kill("SIGKILL");
      await within(s.exited, 2_000);
    }
  }
  s.proc.stdin?.destroy();
  s.proc.stdout?.destroy();
  servers.delete(s);
}

/** Stops every server still running. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...servers].map(stopServer));
}
