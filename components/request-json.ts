/**
 * The browser's one way to call a course route that answers JSON: sends JSON,
 * and throws the route's own message (`{error: {message}}`) when it fails.
 */
export async function requestJson<T>(url: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    cache: "no-store",
    headers: options.body === undefined ? undefined : { "content-type": "application/json" },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const payload = (await response.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!response.ok) throw new Error(payload?.error?.message ?? `The course server answered ${response.status}.`);
  return payload as T;
}
