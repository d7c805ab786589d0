/** SQLite schema of a region's ledger, applied in order; each step runs once. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE cases (
     case_id TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     status TEXT NOT NULL,
     parties TEXT NOT NULL,
     deadline TEXT NOT NULL,
     submitted_at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX cases_status ON cases(status, submitted_at);
   CREATE INDEX cases_submitted ON cases(submitted_at);
   CREATE TABLE events (
     position INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     case_id TEXT NOT NULL,
     source_region TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     type TEXT NOT NULL,
     occurred_at TEXT NOT NULL,
     status_after TEXT NOT NULL,
     payload TEXT NOT NULL,
     UNIQUE (case_id, source_region, sequence)
   );
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     topic TEXT NOT NULL,
     key TEXT NOT NULL,
     value BLOB NOT NULL,
     headers TEXT NOT NULL
   );
   CREATE TABLE inbox (
     event_id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL,
     source_region TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     applied_at TEXT NOT NULL
   );
   CREATE TABLE parked (
     event_id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL,
     source_region TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     value BLOB NOT NULL,
     parked_at TEXT NOT NULL,
     UNIQUE (case_id, source_region, sequence)
   );
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     request_hash TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // 2: parked events keep where they came from and why they wait; the inbox also records
  // events it dead-lettered, so that their sequence counts as consumed.
  `ALTER TABLE parked ADD COLUMN topic TEXT NOT NULL DEFAULT '';
   ALTER TABLE parked ADD COLUMN reason TEXT NOT NULL DEFAULT '';
   CREATE INDEX parked_age ON parked(parked_at);
   ALTER TABLE inbox ADD COLUMN outcome TEXT NOT NULL DEFAULT 'applied';
   CREATE INDEX inbox_position ON inbox(case_id, source_region, sequence);`,
  // 3: the digest of each received envelope, so that an event id reused for other content (a
  // replay) is told apart from a redelivery of the same bytes.
  "ALTER TABLE inbox ADD COLUMN digest TEXT NOT NULL DEFAULT '';",
  // 4: the hash-chained message log of every envelope sent and received (audit/chain.ts).
  `CREATE TABLE message_log (
     seq INTEGER PRIMARY KEY,
     direction TEXT NOT NULL,
     event_id TEXT NOT NULL,
     case_id TEXT NOT NULL,
     peer TEXT NOT NULL,
     at TEXT NOT NULL,
     value BLOB NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX message_log_case ON message_log(case_id, seq);`,
  // 5: a key's answer is the case as its first request left it, sealed as in `cases.body`, not an
  // HTTP status and body. Older rows hold the case's canonical JSON, which renders back the same.
  "ALTER TABLE idempotency DROP COLUMN status;",
  // 6 (issue 19): the window page's sign-in sessions, by the sha256 of the cookie's random id, with the
  // sha256 of the staff token they were signed in with (a revoked token ends its sessions).
  `CREATE TABLE staff_sessions (
     id_hash TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX staff_sessions_token ON staff_sessions(token_hash);
   CREATE INDEX staff_sessions_expiry ON staff_sessions(expires_at);`,
  // 7 (issue 19, at rest): the format sealed values are in. 2 binds each to its table, column and row
  // (security/cipher.ts); a ledger that already holds rows is at 1 and opens only once `xr ledger reseal`
  // has re-sealed them (store/sql/reseal.ts).
  `CREATE TABLE at_rest_format (version INTEGER NOT NULL);
   INSERT INTO at_rest_format (version) SELECT CASE WHEN EXISTS (SELECT 1 FROM cases)
     OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM idempotency) OR EXISTS (SELECT 1 FROM outbox)
     OR EXISTS (SELECT 1 FROM parked) OR EXISTS (SELECT 1 FROM message_log) THEN 1 ELSE 2 END;`,
  // 8 (issue 19, audit): countersigned checkpoints of message logs, this region's own (kept by a
  // partner, the witness) and its partners' (witnessed here); signatures as base64 text.
  `CREATE TABLE checkpoints (
     region TEXT NOT NULL,
     seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     at TEXT NOT NULL,
     key_id TEXT NOT NULL,
     signature TEXT NOT NULL,
     witness TEXT NOT NULL,
     witnessed_at TEXT NOT NULL,
     witness_key_id TEXT NOT NULL,
     countersignature TEXT NOT NULL,
     PRIMARY KEY (region, witness, seq)
   );`,
  // 9 (issue 19, audit): how far the message log was scanned for received envelopes whose signed
  // receipts were handed back to each partner (their source).
  `CREATE TABLE receipt_cursor (
     partner TEXT PRIMARY KEY,
     seq INTEGER NOT NULL
   );`,
  // 10 (issue 17): each case's clock as plain, non-personal, indexed columns (store/sql/cases.ts), written
  // with the case. Rows written before stay NULL until their case's next write (the body is sealed, so no
  // backfill here); `deadline` still answers for them.
  `ALTER TABLE cases ADD COLUMN matter_code TEXT;
   ALTER TABLE cases ADD COLUMN intake_region TEXT;
   ALTER TABLE cases ADD COLUMN handling_region TEXT;
   ALTER TABLE cases ADD COLUMN arrived_on TEXT;
   ALTER TABLE cases ADD COLUMN accepted_on TEXT;
   ALTER TABLE cases ADD COLUMN decided_on TEXT;
   ALTER TABLE cases ADD COLUMN due_on TEXT;
   ALTER TABLE cases ADD COLUMN warn_on TEXT;
   ALTER TABLE cases ADD COLUMN stopped_on TEXT;
   ALTER TABLE cases ADD COLUMN breach_on TEXT;
   ALTER TABLE cases ADD COLUMN breach_days INTEGER;
   ALTER TABLE cases ADD COLUMN breach_stage TEXT;
   ALTER TABLE cases ADD COLUMN suspended_days INTEGER;
   ALTER TABLE cases ADD COLUMN decide_days INTEGER;
   ALTER TABLE cases ADD COLUMN red_alerted_on TEXT;
   CREATE INDEX cases_matter_arrived ON cases(matter_code, arrived_on);
   CREATE INDEX cases_handling_arrived ON cases(handling_region, arrived_on);
   CREATE INDEX cases_intake_arrived ON cases(intake_region, arrived_on);
   CREATE INDEX cases_decided ON cases(decided_on);
   CREATE INDEX cases_due ON cases(due_on) WHERE decided_on IS NULL;`,
  // 11 (issue 16): every opening of a case's material by this region's staff, for its auditors (append-only;
  // staff names, not applicants' data, so nothing here is sealed).
  `CREATE TABLE material_openings (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     case_id TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     staff_name TEXT NOT NULL,
     staff_role TEXT NOT NULL,
     opened_at TEXT NOT NULL,
     byte_range TEXT NOT NULL
   );
   CREATE INDEX material_openings_case ON material_openings(case_id, id);`,
  // 12 (issue 17 stats): covering indexes for the supervision aggregates (store/sql/stats.ts), led by the
  // group (matter; handling then intake region) so a range is counted from the index alone, in group order;
  // and the open cases with a running clock (warn_on is set exactly then) for the overdue list and counts.
  `CREATE INDEX cases_stats_matter_arrived ON cases(matter_code, arrived_on, suspended_days);
   CREATE INDEX cases_stats_matter_decided ON cases(matter_code, decided_on, breach_on, decide_days);
   CREATE INDEX cases_stats_region_arrived ON cases(handling_region, intake_region, arrived_on, suspended_days);
   CREATE INDEX cases_stats_region_decided ON cases(handling_region, intake_region, decided_on, breach_on, decide_days);
   CREATE INDEX cases_open_clock ON cases(due_on, status, breach_on, stopped_on, warn_on, matter_code, intake_region, handling_region)
     WHERE warn_on IS NOT NULL;`,
  // 13 (issue 18): 好差评 as plain, non-personal columns written with the case (store/sql/cases.ts), for the
  // supervision statistics: the rating level and the rectification's due and answered dates (NULL until rated).
  `ALTER TABLE cases ADD COLUMN rating_level TEXT;
   ALTER TABLE cases ADD COLUMN rectification_due_on TEXT;
   ALTER TABLE cases ADD COLUMN rectification_answered_on TEXT;
   CREATE INDEX cases_rating ON cases(handling_region, rating_level) WHERE rating_level IS NOT NULL;`,
  // 14 (issue 18): SMS owed to applicants, queued in the commit of the event they tell of and sent by the
  // notification relay; one row per event id (the provider's idempotency key). body holds the sealed mobile
  // and message values (notificationBodyAt) and is cleared once sent.
  `CREATE TABLE notifications (
     event_id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     body TEXT,
     created_at TEXT NOT NULL,
     due_at TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     sent_at TEXT
   );
   CREATE INDEX notifications_due ON notifications(due_at) WHERE sent_at IS NULL;`,
  // 15 (issue 18): applicants' sign-in sessions, apart from staff sessions: by the sha256 of the cookie's random id,
  // with the identity the verified ID token named, sealed (security/cipher.ts) as other personal data is.
  `CREATE TABLE applicant_sessions (
     id_hash TEXT PRIMARY KEY,
     identity TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX applicant_sessions_expiry ON applicant_sessions(expires_at);`,
  // 16 (issue 18 stats): the CST day of each rating (store/sql/cases.ts, from the CaseRated event) so the
  // supervision statistics count ratings by the day given; rows rated before this migration keep NULL there
  // (the day is only in the sealed body) and so fall in no range. Partial indexes hold the rated cases and the
  // open 整改 only, however many cases pile up, with every column the aggregates read (store/sql/stats.ts).
  `ALTER TABLE cases ADD COLUMN rated_on TEXT;
   CREATE INDEX cases_stats_rated ON cases(rated_on, rating_level, matter_code, intake_region, handling_region)
     WHERE rated_on IS NOT NULL;
   CREATE INDEX cases_stats_rectification_open ON cases(rectification_due_on, matter_code, intake_region, handling_region,
     rectification_answered_on) WHERE rectification_due_on IS NOT NULL AND rectification_answered_on IS NULL;`,
  // 17 (issue 19, receipts): a partner's received envelopes by index, so that handing receipts back never
  // reads (and decrypts) the envelopes this region sent, most of an intake region's log.
  `CREATE INDEX message_log_received ON message_log (peer, seq) WHERE direction = 'received';`,
];
