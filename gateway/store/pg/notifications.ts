/** The notification queue in PostgreSQL: a commit's SMS, queued with its events. */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { NOTIFICATIONS, notificationColumns } from "../sql/notifications.js";
import { numbered } from "./sql.js";

/** Queues a commit's notifications (one per event id: a second is ignored). */
export async function writeNotifications(
  c: pg.ClientBase,
  change: Commit,
  cipher: DataCipher,
): Promise<void> {
  const now = new Date().toISOString();
  for (const n of change.notifications ?? []) {
    await c.query(numbered(NOTIFICATIONS.insert), notificationColumns(n, cipher, now));
  }
}
