import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../server/config/config";

/**
 * deploy/kubernetes/ is not applied to a cluster here (deploy/README.md): it is checked offline
 * against the Kubernetes API's schemas (kubernetes-validate, from PyPI, in the course's Python
 * environment), and against the course itself, so the two do not drift apart.
 */
const projectRoot = path.resolve(import.meta.dirname, "..");
const folder = path.join(projectRoot, "deploy", "kubernetes");
const manifests = fs.readdirSync(folder).filter((name) => name.endsWith(".yaml")).map((name) => path.join(folder, name));
const validator = path.join(projectRoot, ".venv", "bin", "kubernetes-validate");
const KUBERNETES_VERSION = "1.31.0";

type Resource = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown>; data?: Record<string, string> };
const resources: Resource[] = manifests.flatMap((file) => parseAllDocuments(fs.readFileSync(file, "utf8")).map((document) => document.toJS() as Resource));
const find = (kind: string, name: string) => resources.find((resource) => resource.kind === kind && resource.metadata.name === name)!;
type Container = { env?: { name: string; value?: string }[]; readinessProbe?: { httpGet?: { path: string } }; livenessProbe?: { httpGet?: { path: string } } };
const container = (name: string) => ((find("Deployment", name).spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]);
const envOf = (name: string) => Object.fromEntries((container(name).env ?? []).map((variable) => [variable.name, variable.value ?? ""]));

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "manifests-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function validate(files: string[]) {
  return spawnSync(validator, ["--strict", "-k", KUBERNETES_VERSION, ...files], { encoding: "utf8", timeout: 120_000 });
}

describe("deploy/kubernetes", () => {
  it(`is valid against the Kubernetes ${KUBERNETES_VERSION} API schemas, strictly (no unknown fields)`, () => {
    const result = validate(manifests);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    // Every resource of every file was checked, not only the first.
    const passed = result.stdout.split("\n").filter((line) => line.includes(" passed for resource "));
    expect(passed).toHaveLength(resources.length);
  });

  it("would be refused with a mistake in it (the validator is not a rubber stamp)", () => {
    const broken = path.join(scratch, "broken.yaml");
    fs.writeFileSync(broken, fs.readFileSync(path.join(folder, "40-course.yaml"), "utf8").replace("replicas: 3", "replicas: three").replace("containerPort: 3000", "containerPort: 3000\n              hostPorts: 80"));
    const result = validate([broken]);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/replicas|three/);
  });

  it("gives the course only variables it knows, with values it accepts, and probes on routes it has", () => {
    const env = envOf("course");
    const secretKeys = Object.keys((find("Secret", "course-secrets") as unknown as { stringData: Record<string, string> }).stringData);
    const config = loadConfig({ ...env, ...Object.fromEntries(secretKeys.map((key) => [key, key === "COURSE_SESSION_SECRET" ? "ab".repeat(32) : key === "DATABASE_URL" ? "postgresql://u:p@db/course" : "x"])) });
    expect(config.mode).toBe("classroom");
    expect(config.jupyter).toMatchObject({ external: true, kernelName: "mlflow-training-python" });
    expect(config.mlflow.external).toBe(true);
    for (const probe of [container("course").readinessProbe, container("course").livenessProbe]) {
      const route = path.join(projectRoot, "app", probe!.httpGet!.path, "route.ts");
      expect(fs.existsSync(route), route).toBe(true);
    }
  });

  it("offers the course's kernel spec on the gateway, and lets kernels reach only the course's gate and model servers", () => {
    const gateway = envOf("enterprise-gateway");
    expect(JSON.parse(gateway.EG_ALLOWED_KERNELS)).toStrictEqual([envOf("course").JUPYTER_KERNEL_NAME]);
    const kernelSpec = JSON.parse(find("ConfigMap", "mlflow-training-kernelspec").data!["kernel.json"]);
    expect(kernelSpec.metadata.process_proxy.class_name).toBe("enterprise_gateway.services.processproxies.k8s.KubernetesProcessProxy");

    const kernels = find("NetworkPolicy", "kernels-only-to-the-gate").spec as { policyTypes: string[]; egress: { to: { podSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number; endPort?: number }[] }[] };
    expect(kernels.policyTypes).toContain("Egress");
    const destinations = kernels.egress.map((rule) => `${JSON.stringify(rule.to[0].podSelector?.matchLabels)}:${rule.ports.map((port) => (port.endPort ? `${port.port}-${port.endPort}` : port.port)).join(",")}`);
    expect(destinations).toStrictEqual(['{"app":"course"}:3000,5050-5099', '{"app":"enterprise-gateway"}:8877', '{"k8s-app":"kube-dns"}:53,53']);
    expect(new URL(envOf("course").COURSE_GATE_URL).port).toBe("3000");
    // The model servers kernels may call are the course pods' own, on the ports the course uses.
    expect(envOf("course").MODEL_SERVER_PORTS).toBe("5050-5099");
  });
});
