/**
 * Brings the materials of cases this region handles from the intake region,
 * where the window uploaded them (FetchMaterial, hash verified on arrival).
 * Runs behind the ledger: a case that arrives wakes it, and a failed fetch is
 * tried again with backoff until it succeeds or the partner says the file is
 * not there, so a partner outage delays materials but loses none.
 */
import type { Logger } from "pino";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { PartnerGateway } from "../ports/partners.js";
import type { RegionContext } from "../usecases/context.js";
import { currentTraceparent, withTrace } from "../usecases/trace.js";

/** Transfers at a time. */
const CONCURRENCY = 2;
/** First and longest wait between tries (ms). */
const RETRY_MS = [1_000, 60_000] as const;

/** Fetches missing materials of handled cases from their intake region. */
export class MaterialFetcher {
  readonly #ctx: RegionContext;
  readonly #partners: PartnerGateway;
  readonly #log: Logger;
  readonly #queue: string[] = [];
  /** The trace that brought each queued case (the partner's event), continued by its fetch. */
  readonly #queued = new Map<string, string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #running = 0;
  #stopped = false;
  #idle: Array<() => void> = [];
  #unsubscribe: (() => void) | undefined;

  constructor(ctx: RegionContext, partners: PartnerGateway) {
    this.#ctx = ctx;
    this.#partners = partners;
    this.#log = ctx.log.child({ component: "material-fetcher" });
  }

  /** Watches for partner events that may bring materials. */
  start(): void {
    // Materials arrive only with a partner's event (a submitted case, a supplement): this region's own
    // commits, the intake hot path, need no look at all.
    this.#unsubscribe = this.#ctx.changes.subscribe((caseId, received) => {
      if (received) this.schedule(caseId);
    });
  }

  /** Looks at a case soon; repeated calls for one case coalesce. */
  schedule(caseId: string): void {
    if (this.#stopped || this.#queued.has(caseId)) return;
    this.#queued.set(caseId, currentTraceparent());
    this.#queue.push(caseId);
    this.#pump();
  }

  /** Resolves when nothing is queued, running or waiting to retry. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops taking work and drops pending retries (a restart's rescan picks them up). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    while (this.#running > 0) await new Promise((r) => setTimeout(r, 20));
  }

  #pump(): void {
    while (!this.#stopped && this.#running < CONCURRENCY && this.#queue.length > 0) {
      const caseId = this.#queue.shift() as string;
      const traceparent = this.#queued.get(caseId);
      this.#queued.delete(caseId);
      // Retries below are timers started inside this scope, so they keep the trace too.
      withTrace(traceparent, () => this.#run(caseId, 0), caseId);
    }
  }

  /** One look at a case, counted as running until it settles. */
  #run(caseId: string, attempt: number): void {
    this.#running++;
    this.#fetchCase(caseId, attempt)
      .catch((err) => this.#log.error({ err, caseId }, "material fetch failed"))
      .finally(() => {
        this.#running--;
        this.#pump();
        if (this.#isIdle()) for (const r of this.#idle.splice(0)) r();
      });
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.#queue.length === 0 && this.#timers.size === 0;
  }

  async #fetchCase(caseId: string, attempt: number): Promise<void> {
    const c = await this.#ctx.store.getCase(caseId);
    // The intake region holds the originals; it needs nothing from anyone.
    if (!c || c.intakeRegion === this.#ctx.region) return;
    for (const m of c.materials) {
      if (this.#stopped) return;
      if (await this.#ctx.materials.stat(m.sha256)) continue;
      try {
        const stored = await this.#partners.fetchMaterial(
          c.intakeRegion,
          caseId,
          m.sha256,
          this.#ctx.materials,
        );
        this.#log.info({ caseId, sha256: stored.sha256, sizeBytes: stored.sizeBytes }, "material fetched");
      } catch (err) {
        const e = XrError.from(err);
        if (e.code === ErrorCode.NOT_FOUND || e.code === ErrorCode.PERMISSION_DENIED) {
          // Retrying cannot help; an operator must look (the intake window never uploaded it, say).
          this.#log.error(
            { caseId, sha256: m.sha256, code: e.code, err: e.message },
            "material cannot be fetched",
          );
          continue;
        }
        const wait = Math.min(RETRY_MS[1], RETRY_MS[0] * 2 ** attempt);
        this.#log.warn(
          { caseId, sha256: m.sha256, err: e.message, retryInMs: wait },
          "material fetch will be retried",
        );
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          if (!this.#stopped) this.#run(caseId, attempt + 1);
        }, wait);
        timer.unref();
        this.#timers.add(timer);
        return;
      }
    }
  }
}
