/** What `GET /api/health` answers (200, or 503 while something is down); the home page's status panel shows it. */

/** Where the supervisor has a service it started (server/supervisor/service-supervisor.ts). */
export type ServiceState = "starting" | "ready" | "restarting" | "stopping" | "stopped" | "failed";

/** One service as its supervisor sees it (`run/services.json`, which the site reads for /api/health). */
export type ServiceStatus = {
  name: string;
  label: string;
  state: ServiceState;
  pid: number | null;
  restarts: number;
  since: number;
  lastExit?: { code: number | null; signal: string | null; at: number };
  nextRestartAt?: number;
  /** The last lines the process printed, for error messages. */
  recentOutput: string[];
};

export type ServiceHealth = {
  ok: boolean;
  /** One sentence a learner can act on when `ok` is false. */
  problem?: string;
  version?: string;
  /** Supervisor's view, when the course started the service itself. */
  supervised?: { state: ServiceState; restarts: number; lastExitAt?: number };
};

export type HealthReport = {
  ok: boolean;
  checkedAt: string;
  mlflow: ServiceHealth & { external: boolean; uiPath: string };
  /** `external`: a Jupyter server or kernel gateway the course did not start (JUPYTER_URL). */
  jupyter: ServiceHealth & { external: boolean };
  dataDir: ServiceHealth & { path: string };
  /** How learners' processes start on this instance (chosen once at start): its kind and, in a line, what that means. */
  launcher: { kind: "local" | "sandbox" | "gateway"; description: string };
};
