import { loadConfig, type CourseConfig } from "./config";

let cached: CourseConfig | undefined;

/** The configuration of this process, read once. */
export function getConfig(): CourseConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
