/**
 * Staff credentials for tests: the development tokens `dev-<region>-<role>`
 * that config/staff.yaml accepts (devTokens: true), picked by the gateway a
 * URL points at.
 */

const regionByOrigin = new Map<string, string>();

/** Remembers which region's gateway answers at `url` (any URL on that origin). */
export function registerRegionUrl(url: string, region: string): void {
  regionByOrigin.set(new URL(url).origin, region);
}

/** The region whose gateway answers at `url`, if a test started it. */
export function regionOf(url: string): string | undefined {
  return regionByOrigin.get(new URL(url).origin);
}

/** `Authorization` for the gateway at `url` as `role` ({} when the gateway is not known). */
export function authFor(url: string, role = "admin"): Record<string, string> {
  const region = regionOf(url);
  return region ? { authorization: `Bearer dev-${region}-${role}` } : {};
}
