import { courseRuntime } from "@/server/runtime/runtime-access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const gate = (request: Request) => courseRuntime().gate.forward(request);

export { gate as GET, gate as POST, gate as PUT, gate as PATCH, gate as DELETE, gate as HEAD };
