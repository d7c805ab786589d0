/**
 * PostgreSQL schema of a region's ledger, applied in order; each step runs
 * once. Same tables and meaning as the SQLite ledger (store/sqlite/schema.ts),
 * in PostgreSQL's types: personal data sealed by the cipher is `bytea` or
 * sealed text, positions are `bigserial`.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE cases (
     case_id text PRIMARY KEY,
     version integer NOT NULL,
     status text NOT NULL,
     parties text NOT NULL,
     deadline text NOT NULL,
     submitted_at text NOT NULL,
     body text NOT NULL
   );
   CREATE INDEX cases_status ON cases (status, submitted_at);
   CREATE INDEX cases_submitted ON cases (submitted_at);
   CREATE TABLE events (
     position bigserial PRIMARY KEY,
     event_id text NOT NULL UNIQUE,
     case_id text NOT NULL,
     source_region text NOT NULL,
     sequence integer NOT NULL,
     type text NOT NULL,
     occurred_at text NOT NULL,
     status_after text NOT NULL,
     payload text NOT NULL,
     UNIQUE (case_id, source_region, sequence)
   );
   CREATE TABLE outbox (
     id bigserial PRIMARY KEY,
     topic text NOT NULL,
     key text NOT NULL,
     value bytea NOT NULL,
     headers jsonb NOT NULL
   );
   CREATE TABLE inbox (
     event_id text PRIMARY KEY,
     case_id text NOT NULL,
     source_region text NOT NULL,
     sequence integer NOT NULL,
     applied_at text NOT NULL,
     outcome text NOT NULL DEFAULT 'applied',
     digest text NOT NULL DEFAULT ''
   );
   CREATE INDEX inbox_position ON inbox (case_id, source_region, sequence);
   CREATE TABLE parked (
     event_id text PRIMARY KEY,
     case_id text NOT NULL,
     source_region text NOT NULL,
     sequence integer NOT NULL,
     value bytea NOT NULL,
     parked_at text NOT NULL,
     topic text NOT NULL,
     reason text NOT NULL,
     UNIQUE (case_id, source_region, sequence)
   );
   CREATE INDEX parked_age ON parked (parked_at);
   CREATE TABLE idempotency (
     key text PRIMARY KEY,
     request_hash text NOT NULL,
     status integer NOT NULL,
     body text NOT NULL,
     created_at text NOT NULL
   );`,
  // 2: the hash-chained message log of every envelope sent and received (audit/chain.ts).
  `CREATE TABLE message_log (
     seq bigint PRIMARY KEY,
     direction text NOT NULL,
     event_id text NOT NULL,
     case_id text NOT NULL,
     peer text NOT NULL,
     at text NOT NULL,
     value bytea NOT NULL,
     prev_hash text NOT NULL,
     hash text NOT NULL
   );
   CREATE INDEX message_log_case ON message_log (case_id, seq);`,
  // 3: a key's answer is the case as its first request left it, sealed as in `cases.body`, not an
  // HTTP status and body. Older rows hold the case's canonical JSON, which renders back the same.
  "ALTER TABLE idempotency DROP COLUMN status;",
  // 4 (issue 19): the window page's sign-in sessions, by the sha256 of the cookie's random id, with the
  // sha256 of the staff token they were signed in with (a revoked token ends its sessions).
  `CREATE TABLE staff_sessions (
     id_hash text PRIMARY KEY,
     token_hash text NOT NULL,
     created_at text NOT NULL,
     expires_at text NOT NULL
   );
   CREATE INDEX staff_sessions_token ON staff_sessions (token_hash);
   CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);`,
  // 5 (issue 19, at rest): the format sealed values are in. 2 binds each to its table, column and row
  // (security/cipher.ts); a ledger that already holds rows is at 1 and opens only once `xr ledger reseal`
  // has re-sealed them (store/sql/reseal.ts).
  `CREATE TABLE at_rest_format (version integer NOT NULL);
   INSERT INTO at_rest_format (version) SELECT CASE WHEN EXISTS (SELECT 1 FROM cases)
     OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM idempotency) OR EXISTS (SELECT 1 FROM outbox)
     OR EXISTS (SELECT 1 FROM parked) OR EXISTS (SELECT 1 FROM message_log) THEN 1 ELSE 2 END;`,
  // 6 (issue 19, audit): countersigned checkpoints of message logs, this region's own (kept by a
  // partner, the witness) and its partners' (witnessed here); signatures as base64 text.
  `CREATE TABLE checkpoints (
     region text NOT NULL,
     seq bigint NOT NULL,
     hash text NOT NULL,
     at text NOT NULL,
     key_id text NOT NULL,
     signature text NOT NULL,
     witness text NOT NULL,
     witnessed_at text NOT NULL,
     witness_key_id text NOT NULL,
     countersignature text NOT NULL,
     PRIMARY KEY (region, witness, seq)
   );`,
  // 7 (issue 19, audit): how far the message log was scanned for received envelopes whose signed
  // receipts were handed back to each partner (their source).
  `CREATE TABLE receipt_cursor (
     partner text PRIMARY KEY,
     seq bigint NOT NULL
   );`,
  // 8 (issue 17): each case's clock as plain, non-personal, indexed columns (store/sql/cases.ts), written
  // with the case. Rows written before stay NULL until their case's next write (the body is sealed, so no
  // backfill here); `deadline` still answers for them.
  `ALTER TABLE cases ADD COLUMN matter_code text;
   ALTER TABLE cases ADD COLUMN intake_region text;
   ALTER TABLE cases ADD COLUMN handling_region text;
   ALTER TABLE cases ADD COLUMN arrived_on text;
   ALTER TABLE cases ADD COLUMN accepted_on text;
   ALTER TABLE cases ADD COLUMN decided_on text;
   ALTER TABLE cases ADD COLUMN due_on text;
   ALTER TABLE cases ADD COLUMN warn_on text;
   ALTER TABLE cases ADD COLUMN stopped_on text;
   ALTER TABLE cases ADD COLUMN breach_on text;
   ALTER TABLE cases ADD COLUMN breach_days integer;
   ALTER TABLE cases ADD COLUMN breach_stage text;
   ALTER TABLE cases ADD COLUMN suspended_days integer;
   ALTER TABLE cases ADD COLUMN decide_days integer;
   ALTER TABLE cases ADD COLUMN red_alerted_on text;
   CREATE INDEX cases_matter_arrived ON cases (matter_code, arrived_on);
   CREATE INDEX cases_handling_arrived ON cases (handling_region, arrived_on);
   CREATE INDEX cases_intake_arrived ON cases (intake_region, arrived_on);
   CREATE INDEX cases_decided ON cases (decided_on);
   CREATE INDEX cases_due ON cases (due_on) WHERE decided_on IS NULL;`,
  // 9 (issue 16): every opening of a case's material by this region's staff, for its auditors (append-only;
  // staff names, not applicants' data, so nothing here is sealed).
  `CREATE TABLE material_openings (
     id bigserial PRIMARY KEY,
     case_id text NOT NULL,
     sha256 text NOT NULL,
     staff_name text NOT NULL,
     staff_role text NOT NULL,
     opened_at text NOT NULL,
     byte_range text NOT NULL
   );
   CREATE INDEX material_openings_case ON material_openings (case_id, id);`,
  // 10 (issue 17 stats): covering indexes for the supervision aggregates (store/sql/stats.ts), led by the
  // group (matter; handling then intake region) so a range is counted from the index alone, in group order;
  // and the open cases with a running clock (warn_on is set exactly then) for the overdue list and counts.
  `CREATE INDEX cases_stats_matter_arrived ON cases (matter_code, arrived_on, suspended_days);
   CREATE INDEX cases_stats_matter_decided ON cases (matter_code, decided_on, breach_on, decide_days);
   CREATE INDEX cases_stats_region_arrived ON cases (handling_region, intake_region, arrived_on, suspended_days);
   CREATE INDEX cases_stats_region_decided ON cases (handling_region, intake_region, decided_on, breach_on, decide_days);
   CREATE INDEX cases_open_clock ON cases (due_on, status, breach_on, stopped_on, warn_on, matter_code, intake_region, handling_region)
     WHERE warn_on IS NOT NULL;`,
  // 11 (issue 18): 好差评 as plain, non-personal columns written with the case (store/sql/cases.ts), for the
  // supervision statistics: the rating level and the rectification's due and answered dates (NULL until rated).
  `ALTER TABLE cases ADD COLUMN rating_level text;
   ALTER TABLE cases ADD COLUMN rectification_due_on text;
   ALTER TABLE cases ADD COLUMN rectification_answered_on text;
   CREATE INDEX cases_rating ON cases (handling_region, rating_level) WHERE rating_level IS NOT NULL;`,
  // 12 (issue 18): SMS owed to applicants, queued in the commit of the event they tell of and sent by the
  // notification relay; one row per event id (the provider's idempotency key). body holds the sealed mobile
  // and message values (notificationBodyAt) and is cleared once sent.
  `CREATE TABLE notifications (
     event_id text PRIMARY KEY,
     case_id text NOT NULL,
     kind text NOT NULL,
     body text,
     created_at text NOT NULL,
     due_at text NOT NULL,
     attempts integer NOT NULL DEFAULT 0,
     sent_at text
   );
   CREATE INDEX notifications_due ON notifications (due_at) WHERE sent_at IS NULL;`,
  // 13 (issue 18): applicants' sign-in sessions, apart from staff sessions: by the sha256 of the cookie's random id,
  // with the identity the verified ID token named, sealed (security/cipher.ts) as other personal data is.
  `CREATE TABLE applicant_sessions (
     id_hash text PRIMARY KEY,
     identity text NOT NULL,
     created_at text NOT NULL,
     expires_at text NOT NULL
   );
   CREATE INDEX applicant_sessions_expiry ON applicant_sessions (expires_at);`,
  // 14 (issue 18 stats): the CST day of each rating (store/sql/cases.ts, from the CaseRated event) so the
  // supervision statistics count ratings by the day given; rows rated before this migration keep NULL there
  // (the day is only in the sealed body) and so fall in no range. Partial indexes hold the rated cases and the
  // open 整改 only, however many cases pile up, with every column the aggregates read (store/sql/stats.ts).
  `ALTER TABLE cases ADD COLUMN rated_on text;
   CREATE INDEX cases_stats_rated ON cases (rated_on, rating_level, matter_code, intake_region, handling_region)
     WHERE rated_on IS NOT NULL;
   CREATE INDEX cases_stats_rectification_open ON cases (rectification_due_on, matter_code, intake_region, handling_region,
     rectification_answered_on) WHERE rectification_due_on IS NOT NULL AND rectification_answered_on IS NULL;`,
  // 15 (issue 19, receipts): a partner's received envelopes by index, so that handing receipts back never
  // reads (and decrypts) the envelopes this region sent, most of an intake region's log.
  `CREATE INDEX message_log_received ON message_log (peer, seq) WHERE direction = 'received';`,
];
