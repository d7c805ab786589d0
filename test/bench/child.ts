/**
 * Plumbing shared by the benchmark's server processes (echo-server.ts,
 * gateway-server.ts): announce the address on stdout as one JSON line, and
 * shut down on SIGTERM/SIGINT or when the parent goes away (stdin closes).
 */

/** Writes `info` as one JSON line on stdout, where the parent looks for it. */
export function announce(info: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

/** Why a child stops: told to (a signal), or its parent is gone (stdin ended). */
export type ShutdownReason = "signal" | "parent gone";

/** Runs `stop` once on SIGTERM, SIGINT or the end of stdin, then exits. */
export function onShutdown(stop: (reason: ShutdownReason) => Promise<void>): void {
  let stopping = false;
  const shutdown = (why: string, reason: ShutdownReason = "signal") => {
    if (stopping) return;
    stopping = true;
    // Never hang on the way out: the parent also gives up and SIGKILLs.
    setTimeout(() => {
      console.error(`[bench child ${process.pid}] shutdown (${why}) took too long; exiting`);
      process.exit(1);
    }, 8_000).unref();
    stop(reason).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`[bench child ${process.pid}] shutdown failed:`, err);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  // The parent holds our stdin open; when it exits (even killed), stdin ends.
  process.stdin.on("end", () => shutdown("stdin closed", "parent gone"));
  process.stdin.on("error", () => shutdown("stdin error", "parent gone"));
  process.stdin.resume();
}
