/**
 * `config/staff.yaml`: who may use a region's REST API and window page.
 * Opaque bearer tokens, kept only as sha256 hashes: a leaked config file
 * gives no usable token, a token is revoked by deleting its line, and no
 * signing key has to be shared or rotated (as JWTs would need).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { ROLES, type Role, type StaffMember } from "../domain/staff.js";
import { ConfigError } from "./load.js";
import { mustReadYaml } from "./read-yaml.js";
import { isoDate, regionCode } from "./schemas.js";

/** config/staff.yaml */
export const staffFile = z.strictObject({
  /** Accept `dev-<region>-<role>` for every region and role (development only). */
  devTokens: z.boolean().default(false),
  tokens: z
    .array(
      z.strictObject({
        /** Stable staff id (工号) named on every event the member takes; defaults to a digest of the token. */
        id: z.string().min(1).max(64).optional(),
        name: z.string().min(1).max(100),
        role: z.enum(ROLES as [Role, ...Role[]]),
        region: regionCode,
        sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the lowercase hex sha256 of the token"),
        expires: isoDate.optional(),
      }),
    )
    .default([]),
});

/** The sha256 (hex) a token is kept as. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A staff member with the last day their token is good for. */
export interface StaffEntry extends StaffMember {
  readonly expires?: string | undefined;
}

/** Token hash → staff member. */
export type StaffDirectory = ReadonlyMap<string, StaffEntry>;

/** Reads config/staff.yaml; with `devTokens`, every region gets `dev-<region>-<role>` for each role. */
export function loadStaff(configDir: string, regions: Iterable<string>): StaffDirectory {
  const doc = mustReadYaml(join(configDir, "staff.yaml"), staffFile, (p) => new ConfigError(p));
  const out = new Map<string, StaffEntry>();
  for (const t of doc.tokens)
    out.set(t.sha256, {
      // A token without an id is still named stably, by a short digest of its hash (not of the token).
      id: t.id ?? `staff-${t.sha256.slice(0, 12)}`,
      name: t.name,
      role: t.role,
      region: t.region,
      expires: t.expires,
    });
  if (doc.devTokens) {
    for (const region of regions) {
      for (const role of ROLES)
        out.set(tokenHash(`dev-${region}-${role}`), {
          id: `dev-${region}-${role}`,
          name: `dev ${role}`,
          role,
          region,
        });
    }
  }
  return out;
}
