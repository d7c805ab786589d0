/** The notification queue in SQLite: a commit's SMS, queued with its events. */
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { NOTIFICATIONS, notificationColumns } from "../sql/notifications.js";
import type { SqliteSql } from "./sql.js";

/** Queues a commit's notifications (one per event id: a second is ignored). */
export function writeNotifications(s: SqliteSql, change: Commit, cipher: DataCipher): void {
  const now = new Date().toISOString();
  for (const n of change.notifications ?? []) {
    s.prepared(NOTIFICATIONS.insert).run(...notificationColumns(n, cipher, now));
  }
}
