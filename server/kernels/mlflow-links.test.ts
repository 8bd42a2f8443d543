import { describe, expect, it } from "vitest";
import { linkToCourseMlflow, withCourseMlflowLinks } from "./mlflow-links";

const printed = (base: string, query = "") =>
  `🏃 View run able-fox-12 at: ${base}/#/experiments/3/runs/0a1b${query}\n🧪 View experiment at: ${base}/#/experiments/3${query}\n`;

describe("MLflow's UI links in cell outputs", () => {
  it.each([
    ["MLflow on the server's loopback", "http://127.0.0.1:5123"],
    ["localhost", "http://localhost:5000"],
    ["the gate inside a sandbox", "http://127.0.0.1:5000/mlflow-gate"],
    ["another instance's gate", "https://course-2.internal:3000/mlflow-gate"],
  ])("points a link through %s at the course's UI, workspace kept", (_, base) => {
    expect(linkToCourseMlflow(printed(base))).toBe(printed("/mlflow"));
    expect(linkToCourseMlflow(printed(base, "?workspace=ws-ada"))).toBe(printed("/mlflow", "?workspace=ws-ada"));
  });

  it("leaves other text and other outputs alone", () => {
    const other = "see http://127.0.0.1:5123/#/experiments/3 and http://127.0.0.1:5123/api/2.0/mlflow/runs/get\n";
    expect(linkToCourseMlflow(other)).toBe(other);
    const html = { type: "html", html: "<p>View run x at: http://127.0.0.1:5123/#/</p>" } as const;
    expect(withCourseMlflowLinks(html)).toBe(html);
    expect(withCourseMlflowLinks({ type: "stream", name: "stderr", text: printed("http://127.0.0.1:5123") })).toStrictEqual({ type: "stream", name: "stderr", text: printed("/mlflow") });
  });
});
