/** POST JSON to a course route and return its JSON, throwing the route's own message on failure. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const payload = (await response.json().catch(() => null)) as (T & { error?: { message: string } }) | null;
  if (!response.ok) throw new Error(payload?.error?.message ?? `The course server answered ${response.status}.`);
  return payload as T;
}
