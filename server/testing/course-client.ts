/**
 * A browser's worth of state for integration tests: one cookie jar, requests from the course's
 * own origin, redirects not followed; answers with the status, the JSON (or null), the text and the
 * headers a test reads.
 */
export class CourseClient {
  cookie = "";
  constructor(private readonly site: string) {}

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.site}${url}`, {
      method,
      redirect: "manual",
      headers: {
        origin: this.site,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(";");
      const name = pair.split("=")[0];
      const others = this.cookie.split("; ").filter((cookie) => cookie && !cookie.startsWith(`${name}=`));
      this.cookie = [...others, pair].join("; ");
    }
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, json, text, location: response.headers.get("location"), contentType: response.headers.get("content-type") };
  }
}
