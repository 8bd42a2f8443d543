import { describe, expect, it } from "vitest";
import { grade, UnknownExerciseError, EXERCISES, EXERCISE_IDS } from "../grade";

/**
 * Message wording for mistakes that are awkward to produce with a real
 * Python script (a failed upload, a percentage accuracy, ...). MLflow is
 * stubbed at the fetch level with answers shaped like 3.17's; the real server
 * is exercised by the integration tests.
 */

type Route = (url: URL, body: unknown) => [number, unknown] | unknown;

function stubMlflow(routes: Record<string, Route>): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const key = `${init?.method ?? "GET"} ${url.pathname}`;
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `no stub for ${key}` }), { status: 404 });
    const answer = route(url, init?.body ? JSON.parse(String(init.body)) : undefined);
    const [status, body] = Array.isArray(answer) && typeof answer[0] === "number" ? (answer as [number, unknown]) : [200, answer];
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  };
}

const gradeWith = (exercise: string, routes: Record<string, Route>, attempt = 1) =>
  grade(exercise, { mlflow: { baseUrl: "http://mlflow.test", fetch: stubMlflow(routes) }, learner: "ada", attempt });

const notFound: Route = () => [404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "not found" }];

const MLMODEL_PYFUNC = "artifact_path: x\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n";

function trackingRoutes(run: object, extra: Record<string, Route> = {}): Record<string, Route> {
  return {
    "GET /api/2.0/mlflow/experiments/get-by-name": () => ({ experiment: { experiment_id: "4", name: "Tracking-Exercise", lifecycle_stage: "active" } }),
    "POST /api/2.0/mlflow/runs/search": (_url, body) => ((body as { run_view_type: string }).run_view_type === "ACTIVE_ONLY" ? { runs: [run] } : {}),
    ...extra,
  };
}

describe("tracking-exercise messages", () => {
  it("names an experiment that differs only in spelling", async () => {
    const report = await gradeWith("tracking-exercise", {
      "GET /api/2.0/mlflow/experiments/get-by-name": notFound,
      "POST /api/2.0/mlflow/experiments/search": () => ({ experiments: [{ experiment_id: "0", name: "Default" }, { experiment_id: "2", name: "tracking_exercise" }] }),
    });
    const check = report.checks[0];
    expect(check.message).toBe("no experiment named `Tracking-Exercise`; found `tracking_exercise`, which differs only in spelling");
    expect(check.hint).toContain("case-sensitive");
  });

  it("explains top-level artifacts, a percentage accuracy, a non-number param, a missing tag and a failed model upload", async () => {
    const run = {
      info: { run_id: "r1", run_name: "keen-owl", experiment_id: "4", start_time: 1 },
      data: {
        metrics: [{ key: "accuracy", value: 96.7 }],
        params: [{ key: "num_trees", value: "ten" }],
        tags: [{ key: "mlflow.runName", value: "keen-owl" }, { key: "notebook_type", value: "exercise" }],
      },
      outputs: { model_outputs: [{ model_id: "m-1", step: 0 }] },
    };
    const report = await gradeWith(
      "tracking-exercise",
      trackingRoutes(run, {
        "GET /api/2.0/mlflow/artifacts/list": (url) =>
          url.searchParams.get("path") ? {} : { files: [{ path: "iris.csv", is_dir: false, file_size: 10 }, { path: "output_data", is_dir: true }] },
        "GET /api/2.0/mlflow/logged-models/m-1": () => ({
          model: { info: { model_id: "m-1", name: "model", source_run_id: "r1", status: "LOGGED_MODEL_UPLOAD_FAILED" } },
        }),
      }),
    );
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId["tag-notebook-type"].message).toBe("tag `notebook-type` missing; this run has tags `notebook_type`");
    expect(byId["artifacts-input-data"].message).toBe("artifacts are at the top level (`iris.csv`), expected `input_data/`");
    expect(byId["artifacts-output-data"].message).toBe("`output_data/` exists but holds no files");
    expect(byId["param-num-trees"].message).toBe("param `num_trees` is `ten`, expected a positive whole number");
    expect(byId["metric-accuracy"].message).toBe("metric `accuracy` is 96.7, expected a value between 0 and 1");
    expect(byId["metric-accuracy"].hint).toContain("do not turn it into a percentage");
    expect(byId["model-logged"].message).toBe(
      "model `model` (m-1) is `LOGGED_MODEL_UPLOAD_FAILED`, expected `LOGGED_MODEL_READY`: its files were not saved completely",
    );
    expect(report.gradedRun).toEqual({ runId: "r1", runName: "keen-owl", link: "/mlflow/#/experiments/4/runs/r1" });
  });

  it("names the flavors of a model that is not a scikit-learn one", async () => {
    const run = { info: { run_id: "r1", experiment_id: "4" }, outputs: { model_outputs: [{ model_id: "m-2" }] } };
    const report = await gradeWith(
      "tracking-exercise",
      trackingRoutes(run, {
        "GET /api/2.0/mlflow/artifacts/list": () => ({}),
        "GET /api/2.0/mlflow/logged-models/m-2": () => ({ model: { info: { model_id: "m-2", name: "model", source_run_id: "r1", status: "LOGGED_MODEL_READY" } } }),
        "GET /ajax-api/2.0/mlflow/logged-models/m-2/artifacts/files": () => MLMODEL_PYFUNC,
      }),
    );
    const model = report.checks.find((c) => c.id === "model-logged")!;
    expect(model.message).toBe("model `model` has the flavors `python_function`, expected `sklearn`");
    expect(report.checks.find((c) => c.id === "artifacts-input-data")!.message).toBe("this run has no artifacts; expected files under `input_data/`");
  });

  it("reports MLflow answering garbage as a platform error", async () => {
    const report = await gradeWith("tracking-exercise", { "GET /api/2.0/mlflow/experiments/get-by-name": () => "<html>proxy login</html>" });
    expect(report.status).toBe("error");
    expect(report.checks[0].message).toMatch(/^Could not check this: MLflow at http:\/\/mlflow.test answered \/api\/2.0\/mlflow\/experiments\/get-by-name with something unexpected: not JSON/);
  });
});

describe("model-registry messages", () => {
  it("lists the stage of each version when none is in Staging", async () => {
    const versions = [
      { name: "IrisModel", version: "1", current_stage: "None" },
      { name: "IrisModel", version: "2", current_stage: "Production" },
    ];
    const report = await gradeWith("model-registry", {
      "GET /api/2.0/mlflow/registered-models/get": () => ({ registered_model: { name: "IrisModel", latest_versions: versions } }),
      "GET /api/2.0/mlflow/model-versions/search": () => ({ model_versions: [...versions].reverse() }),
    });
    expect(report.checks[2].message).toBe("version 1 is in `None`, version 2 is in `Production`; expected one in `Staging`");
    expect(report.checks[2].link).toBe("/mlflow/#/models/IrisModel/versions/2");
  });

  it("names a registered model that differs only in spelling", async () => {
    const report = await gradeWith("model-registry", {
      "GET /api/2.0/mlflow/registered-models/get": notFound,
      "GET /api/2.0/mlflow/registered-models/search": () => ({ registered_models: [{ name: "iris-model" }] }),
    });
    expect(report.checks[0].message).toBe("no registered model named `IrisModel`; found `iris-model`, which differs only in spelling");
  });
});

describe("grade", () => {
  it("throws a typed error listing the valid ids for an unknown exercise", async () => {
    const error = await grade("nope", { mlflow: { baseUrl: "http://x" }, learner: "ada" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownExerciseError);
    expect((error as UnknownExerciseError).validIds).toEqual(["tracking-example", "tracking-exercise", "model-registry", "model-aliases", "model-serving", "spark-integration"]);
  });

  it("registers every exercise with a title and its checks in lesson order", () => {
    expect(EXERCISE_IDS.map((id) => [id, EXERCISES[id].title])).toEqual([
      ["tracking-example", "MLflow Tracking: example"],
      ["tracking-exercise", "MLflow Tracking: exercise"],
      ["model-registry", "Model registry"],
      ["model-aliases", "Model aliases: promote and roll back"],
      ["model-serving", "Model serving"],
      ["spark-integration", "Scoring with Spark"],
    ]);
    expect(EXERCISES["tracking-exercise"].checks.map((c) => c.id)).toEqual([
      "experiment-exists",
      "experiment-active",
      "has-runs",
      "tag-notebook-type",
      "artifacts-input-data",
      "artifacts-output-data",
      "param-num-trees",
      "metric-accuracy",
      "model-logged",
    ]);
  });

  it("never shows code in a first-attempt hint", () => {
    // Tier 1 is the nudge: no call such as `mlflow.log_param(...)`; code appears from tier 2 or 3.
    for (const exercise of Object.values(EXERCISES)) {
      for (const check of exercise.checks) {
        for (const [kind, tiers] of Object.entries(check.hints)) {
          expect(tiers[0], `${exercise.id}/${check.id}/${kind}`).not.toMatch(/[\w.]\(/);
          expect(new Set(tiers).size, `${exercise.id}/${check.id}/${kind} tiers differ`).toBe(3);
        }
      }
    }
  });
});

describe("model-serving hints: the Serve panel in the course, the command in a terminal", () => {
  const servingChecks = EXERCISES["model-serving"].checks;

  it("has a Serve panel hint for every kind of miss a command hint exists for, and none of them shows the command", () => {
    for (const check of servingChecks) {
      for (const kind of Object.keys(check.hints)) {
        if (kind === "notStarted" || kind.startsWith("panel")) continue;
        const panelKind = kind === "default" ? "panel" : `panel-${kind}`;
        expect(check.hints[panelKind], `${check.id}/${panelKind}`).toBeDefined();
      }
      for (const [kind, tiers] of Object.entries(check.hints)) {
        if (!kind.startsWith("panel") && kind !== "notStarted") continue;
        expect(tiers[2], `${check.id}/${kind}: the last tier says what to press`).toMatch(/Serve panel|panel.s log/);
        for (const tier of tiers) expect(tier, `${check.id}/${kind}`).not.toMatch(/mlflow models serve -m|-p 5050|Ctrl-C|In a terminal/);
      }
    }
  });

  // Nothing listens on port 9 of the loopback address (discard, never served in tests): "connection refused".
  const closed = "http://127.0.0.1:9";
  const gradeServing = (attempt: number, modelServerControl?: "serve-panel" | "command") =>
    grade("model-serving", { mlflow: { baseUrl: "http://mlflow.test", fetch: stubMlflow({}) }, learner: "ada", attempt, modelServerUrl: closed, modelServerControl });

  it("graded from the course, a server that does not answer gets Serve panel hints at every attempt", async () => {
    for (const attempt of [1, 2, 3]) {
      const ping = (await gradeServing(attempt, "serve-panel")).checks[0];
      expect(ping.status).toBe("failed");
      expect(ping.message).toMatch(/^no model server running at http:\/\/127\.0\.0\.1:9 /);
      expect(ping.hint).toContain("Serve panel");
      expect(ping.hint).not.toContain("mlflow models serve -m");
    }
  });

  it("graded from the CLI (the default), the same miss shows the command", async () => {
    const third = (await gradeServing(3)).checks[0];
    expect(third.hint).toContain("mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local");
    expect(third.hint).not.toContain("Serve panel");
    expect((await gradeServing(3, "command")).checks[0].hint).toBe(third.hint);
  });
});

describe("model-aliases: @champion promoted, then rolled back", () => {
  const version = (v: string) => ({ name: "IrisModel", version: v, current_stage: "None", status: "READY" });
  const gradeAliases = (versions: string[], aliases: { alias: string; version: string }[]) =>
    gradeWith("model-aliases", {
      "GET /api/2.0/mlflow/registered-models/get": () => ({ registered_model: { name: "IrisModel", latest_versions: [], aliases } }),
      "GET /api/2.0/mlflow/model-versions/search": () => ({ model_versions: versions.map(version).reverse() }),
    });
  const statuses = (report: Awaited<ReturnType<typeof gradeAliases>>) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

  it("passes when @champion is back on the version @previous recorded, not on the challenger", async () => {
    const report = await gradeAliases(["1", "2", "3"], [{ alias: "champion", version: "2" }, { alias: "previous", version: "2" }, { alias: "challenger", version: "3" }]);
    expect(report.status).toBe("passed");
    expect(report.checks.at(-1)!.message).toBe("`@champion` is back on version 2, the version `@previous` recorded before the promotion of version 3");
    expect(report.checks.at(-1)!.link).toBe("/mlflow/#/models/IrisModel/versions/2");
  });

  it("takes the newest version as the promoted one when there is no @challenger", async () => {
    const back = await gradeAliases(["1", "2"], [{ alias: "champion", version: "1" }, { alias: "previous", version: "1" }]);
    expect(back.status).toBe("passed");
    const onNewest = await gradeAliases(["1", "2"], [{ alias: "champion", version: "2" }, { alias: "previous", version: "2" }]);
    expect(onNewest.checks[2].message).toBe("`@champion` and `@previous` both point to version 2, the version that was promoted (version 2): `@previous` was set after the promotion, so nothing was rolled back");
  });

  it("fails when @champion is still on the promoted version, naming where @previous points", async () => {
    const report = await gradeAliases(["1", "2"], [{ alias: "champion", version: "2" }, { alias: "previous", version: "1" }, { alias: "challenger", version: "2" }]);
    expect(report.status).toBe("failed");
    expect(statuses(report)).toEqual({ "two-versions": "passed", "champion-set": "passed", "champion-rolled-back": "failed" });
    expect(report.checks[2].message).toBe("`@champion` points to version 2, but `@previous` recorded version 1: roll back by pointing `champion` where `previous` points");
  });

  it("fails a rollback that recorded nothing: an older version by number is right by construction only", async () => {
    const report = await gradeAliases(["1", "2", "3"], [{ alias: "champion", version: "2" }]);
    expect(report.checks[2]).toMatchObject({ status: "failed", message: "`@champion` points to version 2, but there is no alias `@previous` recording where it was before the promotion" });
    expect(report.checks[2].hint).toContain("Record that version as the alias `previous` before you promote");
  });

  it("fails with one version only: nothing to roll back to", async () => {
    const report = await gradeAliases(["1"], [{ alias: "champion", version: "1" }]);
    expect(statuses(report)).toEqual({ "two-versions": "failed", "champion-set": "skipped", "champion-rolled-back": "skipped" });
    expect(report.checks[0].message).toBe("`IrisModel` has only version 1; a rollback needs an older version to go back to, so register a new one");
  });

  it("does not take @Champion for @champion: aliases are case-sensitive", async () => {
    const report = await gradeAliases(["1", "2"], [{ alias: "Champion", version: "1" }]);
    expect(statuses(report)).toMatchObject({ "champion-set": "failed", "champion-rolled-back": "skipped" });
    expect(report.checks[1].message).toContain("aliases are case-sensitive");
    expect(report.checks[1].hint).toContain("`@Champion` and `@champion` are two different aliases");
  });

  it("names the aliases there are when @champion is missing, and a missing model", async () => {
    const report = await gradeAliases(["1", "2"], [{ alias: "staging", version: "1" }]);
    expect(report.checks[1].message).toBe("`IrisModel` has no alias `@champion`; its aliases are `@staging`");
    const none = await gradeWith("model-aliases", { "GET /api/2.0/mlflow/registered-models/get": notFound });
    expect(none.checks[0].message).toBe("no registered model named `IrisModel`; finish the model-registry exercise first");
    expect(none.status).toBe("failed");
  });
});
