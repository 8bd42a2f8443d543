import { proxyToMlflow } from "@/server/mlflow-proxy/proxy-request";
import { courseRuntime } from "@/server/runtime/runtime-access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function proxy(request: Request): Promise<Response> {
  // The UI loads its assets relative to the page, so it must be opened as /mlflow/.
  if (new URL(request.url).pathname === "/mlflow") return new Response(null, { status: 308, headers: { location: "/mlflow/" } });
  return proxyToMlflow(courseRuntime(), request);
}

export { proxy as GET, proxy as POST, proxy as PUT, proxy as PATCH, proxy as DELETE, proxy as HEAD, proxy as OPTIONS };
