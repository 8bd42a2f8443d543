import type { DashboardOptions } from "@/contracts/dashboard";

/**
 * The dashboard's thresholds, with their defaults in this one place. Every
 * aggregation takes a `Partial<DashboardOptions>` and fills the rest from here.
 */

export const DASHBOARD_DEFAULTS: Readonly<DashboardOptions> = Object.freeze({
  stuckFailures: 3,
  stuckWindowMinutes: 15,
  activeWindowMinutes: 10,
  noProgressMinutes: 20,
});

export function dashboardOptions(options: Partial<DashboardOptions> = {}): DashboardOptions {
  const merged = { ...DASHBOARD_DEFAULTS };
  for (const key of Object.keys(DASHBOARD_DEFAULTS) as (keyof DashboardOptions)[]) {
    const value = options[key];
    if (value !== undefined) {
      const least = key === "stuckFailures" ? 1 : 0;
      if (!Number.isFinite(value) || value < least) throw new RangeError(`Dashboard option ${key} must be a number >= ${least} (got ${value}).`);
      merged[key] = value;
    }
  }
  return merged;
}

export const MINUTE_MS = 60_000;
