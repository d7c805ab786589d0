/**
 * config/notifications.yaml (issue 18): the SMS provider and one Chinese
 * template per event the applicant is told of. Every problem names its key.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { NOTIFICATION_KINDS, type NotificationKind, PLACEHOLDERS } from "../domain/notifications.js";
import { readYaml } from "./read-yaml.js";

/** A template: starts with the federation's signature 【…】 and names only known placeholders. */
const template = z
  .string()
  .min(1)
  .superRefine((t, ctx) => {
    if (!/^【[^】]+】/.test(t))
      ctx.addIssue({ code: "custom", message: "must start with a signature such as 【跨域通办】" });
    for (const [, name] of t.matchAll(/\{(\w*)\}/g)) {
      if (!PLACEHOLDERS.includes(name as (typeof PLACEHOLDERS)[number])) {
        ctx.addIssue({
          code: "custom",
          message: `unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`,
        });
      }
    }
  });

const retry = z.strictObject({
  /** Tries of one message before it waits for the relay's next round (with backoff). */
  attempts: z.number().int().min(1).max(10).default(3),
  baseDelayMs: z.number().int().min(1).max(60_000).default(200),
});

/** config/notifications.yaml */
export const notificationsFile = z.strictObject({
  provider: z.discriminatedUnion("kind", [
    /** Writes each message to data/<region>/sms.log (JSON lines) for a developer to read; counts duplicates. */
    z.strictObject({ kind: z.literal("development") }),
    /** A generic SMS gateway: POST JSON with an API key read from the environment variable named here. */
    z.strictObject({
      kind: z.literal("http"),
      url: z.url({ protocol: /^https?$/ }),
      apiKeyEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must name an environment variable"),
      timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
      retry: retry.default({ attempts: 3, baseDelayMs: 200 }),
    }),
  ]),
  templates: z.strictObject(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, template])) as Record<
      NotificationKind,
      typeof template
    >,
  ),
});

/** The loaded notifications config. */
export type NotificationsConfig = z.output<typeof notificationsFile>;

/** Reads `<configDir>/notifications.yaml` if there is one (absent: no SMS is sent; the queue keeps them). */
export function readNotifications(configDir: string, problems: string[]): NotificationsConfig | undefined {
  const file = join(configDir, "notifications.yaml");
  if (!existsSync(file)) return undefined;
  return readYaml(file, notificationsFile, problems);
}
