/**
 * In-process notice that a case's ledger entry changed, so watchers (the
 * gRPC `WatchCaseEvents` stream, the window page's event stream) wake at once
 * instead of polling. Replicas sharing a ledger do not see each other's
 * notices, which is why watchers also re-read on a slow timer.
 */

/** Publishes "case X changed" to the watchers of this process. */
export class CaseChanges {
  readonly #listeners = new Set<(caseId: string, received: boolean) => void>();

  /** Called after a commit that touched `caseId`; `received` when it applied a partner's event. */
  changed(caseId: string, received = false): void {
    for (const l of this.#listeners) l(caseId, received);
  }

  /** Calls `listener` for every case that changes; returns the unsubscribe. */
  subscribe(listener: (caseId: string, received: boolean) => void): () => void {
    // Wrapped so that one function subscribed twice is two subscriptions.
    const own = (caseId: string, received: boolean) => listener(caseId, received);
    this.#listeners.add(own);
    return () => this.#listeners.delete(own);
  }
}
