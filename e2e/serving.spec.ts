import { expect, test } from "@playwright/test";
import { runFixture } from "../server/testing/python-fixture";

test("serve the staged model from the lesson, score it, check it, stop it", async ({ page }) => {
  test.setTimeout(420_000);
  await runFixture("stage_iris_model.py", process.env.E2E_MLFLOW_URL!, ["IrisModel"]);

  await page.goto("/lessons/model-serving");
  const panel = page.getByTestId("serve-panel");
  await expect(panel.getByLabel("Model URI")).toHaveValue("models:/IrisModel/Staging");
  await expect(panel.getByTestId("serve-command")).toContainText("mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local");
  await panel.getByRole("button", { name: "Start" }).click();
  await expect(panel).toHaveAttribute("data-state", "ready", { timeout: 180_000 });
  await expect(panel.getByTestId("serve-log")).toContainText("Uvicorn running", { timeout: 10_000 }).catch(() => undefined);

  // The server keeps running across a reload and the panel reattaches.
  await page.reload();
  await expect(page.getByTestId("serve-panel")).toHaveAttribute("data-state", "ready");

  const playground = page.getByTestId("request-playground");
  await playground.getByRole("button", { name: "Send to /invocations" }).click();
  const result = playground.getByTestId("playground-result");
  await expect(result).toHaveAttribute("data-status", "200");
  const predictions = JSON.parse(await playground.getByTestId("playground-response").innerText()).predictions;
  expect(predictions).toHaveLength(2);
  await expect(playground.getByTestId("playground-curl")).toContainText("curl -X POST http://127.0.0.1:5050/invocations");

  await playground.getByRole("button", { name: /Legacy/ }).click();
  await playground.getByRole("button", { name: "Send to /invocations" }).click();
  await expect(result).toHaveAttribute("data-status", "400");
  await expect(playground.getByTestId("playground-response")).toContainText("scoring protocol has changed");
  await expect(playground.getByTestId("playground-explanation")).toContainText("Since MLflow 2.0");

  await playground.getByTestId("playground-body").fill("{not json");
  await playground.getByRole("button", { name: "Send to /invocations" }).click();
  await expect(playground.getByTestId("playground-error")).toContainText("not valid JSON");

  const check = page.getByTestId("check-model-serving");
  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).toHaveAttribute("data-status", "passed", { timeout: 120_000 });

  await panel.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("serve-panel")).toHaveAttribute("data-state", "stopped");
  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  // The Check grades only the Serve panel's server (with the sandbox, a port is inside the learner's own network).
  await expect(check).toContainText(/no model server (of yours is )?running/i);
  // Graded from the course, the message and its hint (whichever level this attempt shows) say what to do in the
  // Serve panel, not which command to type.
  await expect(check).toContainText(/with `?Start`? in the Serve panel/);
  await expect(check).toContainText(/Hint: .*Serve panel/);
  await expect(check).not.toContainText("mlflow models serve -m");
});

test("bad serve requests get clear answers and start nothing", async ({ request }) => {
  const cases: Array<[unknown, number, RegExp]> = [
    [{ modelUri: "models:/IrisModel/Production", port: 5051 }, 400, /no version in Production/],
    [{ modelUri: "file:///etc/passwd", port: 5051 }, 400, /registry URI such as models:\/IrisModel\/Staging/],
    [{ modelUri: "models:/IrisModel/Staging", port: 80 }, 400, /outside the range/],
    [{ modelUri: "models:/IrisModel/Staging", port: "5050" }, 400, /port: must be a port number/],
  ];
  for (const [body, status, message] of cases) {
    const response = await request.post("/api/model-server", { data: body });
    expect(response.status(), JSON.stringify(body)).toBe(status);
    expect((await response.json()).error.message).toMatch(message);
  }
  const noServer = await request.post("/api/model-server/invocations", { data: { body: "{}" } });
  expect(noServer.status()).toBe(409);
  const tooBig = await request.post("/api/model-server/invocations", { data: { body: "x".repeat(300 * 1024) } });
  expect(tooBig.status()).toBe(400);
  expect((await tooBig.json()).error.message).toContain("at most 256 KB");
});
