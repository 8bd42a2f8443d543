import { gateToMlflow } from "@/server/mlflow-proxy/gate-request";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export { gateToMlflow as GET, gateToMlflow as POST, gateToMlflow as PUT, gateToMlflow as PATCH, gateToMlflow as DELETE, gateToMlflow as HEAD };
