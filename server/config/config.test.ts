import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

describe("loadConfig", () => {
  it("uses the embedded defaults when nothing is set", () => {
    const config = loadConfig({}, { projectRoot: "/srv/course" });
    expect(config.site.port).toBe(3000);
    expect(config.mlflow.port).toBe(5000);
    expect(config.jupyter.port).toBe(8888);
    expect(config.dataDir).toBe("/srv/course/.data");
    expect(config.mlflow.url).toBe("http://127.0.0.1:5000");
    expect(config.mlflow.external).toBe(false);
    expect(config.mlflow.backendStoreUri).toBe("sqlite:////srv/course/.data/mlflow/mlflow.db");
    expect(config.python.bin).toBe("/srv/course/.venv/bin");
  });

  it("reads ports, data folder and an external MLflow", () => {
    const config = loadConfig({
      PORT: "4000",
      MLFLOW_PORT: "5001",
      JUPYTER_PORT: "9999",
      COURSE_DATA_DIR: "/var/lib/course",
      MLFLOW_TRACKING_URI: "http://mlflow.internal:8080/",
    }, { projectRoot: "/srv/course" });
    expect(config.site.port).toBe(4000);
    expect(config.jupyter.url).toBe("http://127.0.0.1:9999");
    expect(config.dataDir).toBe("/var/lib/course");
    expect(config.mlflow.url).toBe("http://mlflow.internal:8080");
    expect(config.mlflow.external).toBe(true);
  });

  it.each([
    [{ PORT: "abc" }, 'PORT must be a whole number between 1 and 65535 (got "abc")'],
    [{ MLFLOW_PORT: "70000" }, "MLFLOW_PORT must be a whole number"],
    [{ JUPYTER_PORT: "0" }, "JUPYTER_PORT must be a whole number"],
    [{ MLFLOW_TRACKING_URI: "./mlruns" }, "MLFLOW_TRACKING_URI must be an http(s) URL"],
    [{ MLFLOW_TRACKING_URI: "databricks" }, "MLFLOW_TRACKING_URI must be an http(s) URL"],
    [{ MLFLOW_WORKERS: "-1" }, "MLFLOW_WORKERS must be a whole number"],
    [{ MLFLOW_WORKERS: "1.5" }, "MLFLOW_WORKERS must be a whole number from 1 to 32"],
    [{ CELL_TIME_LIMIT_SECONDS: "0" }, "CELL_TIME_LIMIT_SECONDS must be a number of seconds from 1 to 3600"],
    [{ MODEL_SERVER_PORTS: "5099-5050" }, "MODEL_SERVER_PORTS must be a range such as 5050-5099"],
    [{ MODEL_SERVER_IDLE_MINUTES: "soon" }, "MODEL_SERVER_IDLE_MINUTES must be a number of minutes"],
    [{ COURSE_MODE: "lecture" }, 'COURSE_MODE must be "solo" or "classroom"'],
    [{ COURSE_SESSION_HOURS: "-2" }, "COURSE_SESSION_HOURS must be a number of hours"],
  ])("rejects %o with a message naming the variable", (env, message) => {
    expect(() => loadConfig({ ...env }, { projectRoot: "/srv/course" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env }, { projectRoot: "/srv/course" })).toThrow(message);
  });

  it("reads the classroom and serving settings", () => {
    const config = loadConfig({ COURSE_MODE: "Classroom", MODEL_SERVER_PORTS: "6000-6010", CELL_TIME_LIMIT_SECONDS: "30", COURSE_TRUST_PROXY: "true" }, { projectRoot: "/srv/course" });
    expect(config.mode).toBe("classroom");
    expect(config.modelServers).toEqual({ portRange: { min: 6000, max: 6010 }, idleMinutes: 30, defaultPort: 6000, host: "127.0.0.1" });
    // Where model servers bind and are called when kernels or other instances are on other hosts.
    expect(loadConfig({ COURSE_INSTANCE_HOST: " 10.0.3.17 " }).modelServers.host).toBe("10.0.3.17");
    expect(loadConfig({ COURSE_INSTANCE_HOST: "fd00::17" }).modelServers.host).toBe("fd00::17");
    for (const bad of ["course.internal", "0.0.0.0", "::", "10.0.3.17:5050"]) {
      expect(() => loadConfig({ COURSE_INSTANCE_HOST: bad })).toThrow(/COURSE_INSTANCE_HOST must be this instance's own IP address/);
    }
    expect(config.cells.timeLimitSeconds).toBe(30);
    expect(config.classroom).toEqual({ instructorPassword: undefined, sessionHours: 12, trustedProxies: "peer" });
  });

  it("reads the proxies to trust, the public address and the upload cap", () => {
    expect(loadConfig({}, { projectRoot: "/srv/course" }).classroom.trustedProxies).toBe("none");
    expect(loadConfig({ COURSE_TRUST_PROXY: "10.0.0.1, ::1" }, { projectRoot: "/srv/course" }).classroom.trustedProxies).toEqual(["10.0.0.1", "::1"]);
    const config = loadConfig({ COURSE_PUBLIC_URL: "https://course.example.edu/", COURSE_MLFLOW_UPLOAD_MAX_MB: "20" }, { projectRoot: "/srv/course" });
    expect(config.site.publicUrl).toBe("https://course.example.edu");
    expect(config.limits).toEqual({ apiBytes: 1_000_000, mlflowBytes: 10_000_000, mlflowUploadBytes: 20_000_000 });
  });

  it.each([
    [{ COURSE_TRUST_PROXY: "my-proxy.local" }, "COURSE_TRUST_PROXY must be"],
    [{ COURSE_PUBLIC_URL: "course.example.edu" }, "COURSE_PUBLIC_URL must be"],
    [{ COURSE_PUBLIC_URL: "https://course.example.edu/path" }, "COURSE_PUBLIC_URL must be"],
    [{ COURSE_MLFLOW_UPLOAD_MAX_MB: "0" }, "COURSE_MLFLOW_UPLOAD_MAX_MB must be"],
  ])("rejects %o", (env, message) => {
    expect(() => loadConfig({ ...env }, { projectRoot: "/srv/course" })).toThrow(message);
  });

  it("reads whether sandboxed kernels are forks of the kernel forker (on unless turned off)", () => {
    expect(loadConfig({}).sandbox.kernelForker).toBe(true);
    expect(loadConfig({ COURSE_KERNEL_FORKER: " OFF " }).sandbox.kernelForker).toBe(false);
    expect(() => loadConfig({ COURSE_KERNEL_FORKER: "sometimes" })).toThrow(/COURSE_KERNEL_FORKER must be "on" or "off" \(got "sometimes"\)/);
  });

  it("reads an external Jupyter or kernel gateway, where its kernels reach the gate, and the shared signing key", () => {
    // The course's own Jupyter's token is its supervisor's, handed over in the run folder (run-handoff.test.ts), never JUPYTER_TOKEN.
    const own = loadConfig({ JUPYTER_TOKEN: "ignored", PORT: "4000" }).jupyter;
    expect(own).toMatchObject({ url: "http://127.0.0.1:8888", token: undefined, external: false, kernelName: "python3", gateUrl: "http://127.0.0.1:4000/mlflow-gate" });

    const gateway = loadConfig({ JUPYTER_URL: "http://gateway.internal:8888/", JUPYTER_TOKEN: "t", JUPYTER_KERNEL_NAME: "python_kubernetes", COURSE_PUBLIC_URL: "https://course.example.edu" }).jupyter;
    expect(gateway).toMatchObject({ url: "http://gateway.internal:8888", token: "t", external: true, kernelName: "python_kubernetes", gateUrl: "https://course.example.edu/mlflow-gate" });
    expect(loadConfig({ JUPYTER_URL: "http://g:1", COURSE_GATE_URL: "http://course-gate.internal:3000/mlflow-gate/" }).jupyter.gateUrl).toBe("http://course-gate.internal:3000/mlflow-gate");

    expect(() => loadConfig({ JUPYTER_URL: "ws://gateway" })).toThrow(/JUPYTER_URL must be an http\(s\) URL of a Jupyter server or kernel gateway \(got "ws:\/\/gateway"\)$/m);
    expect(() => loadConfig({ JUPYTER_KERNEL_NAME: "python 3; rm" })).toThrow(/JUPYTER_KERNEL_NAME must be a kernel spec's name/);
    expect(() => loadConfig({ COURSE_SESSION_SECRET: "short" })).toThrow(/COURSE_SESSION_SECRET must be 64 hexadecimal digits/);
    expect(() => loadConfig({ COURSE_SESSION_SECRET: "ab".repeat(32) })).not.toThrow();
  });

  it("reports every problem at once", () => {
    try {
      loadConfig({ PORT: "x", MLFLOW_PORT: "y" });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});
