import { KernelAPI, KernelConnection, type KernelMessage } from "@jupyterlab/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kernelOutputCapBytes } from "../config/config";
import { jupyterSettings } from "../jupyter/connection-settings";
import { collectCell } from "../testing/collect-cell";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { UNSANDBOXED_KERNEL } from "../launchers/kernel-specs";
import { CourseRuntime } from "../runtime/course-runtime";

const FOREST = [
  "import mlflow, mlflow.sklearn",
  "from sklearn.datasets import load_iris",
  "from sklearn.ensemble import RandomForestClassifier",
  "iris = load_iris(as_frame=True)",
  "model = RandomForestClassifier(n_estimators=40, max_depth=4, random_state=7).fit(iris.data, iris.target)",
  'TRUSTED = ["sklearn.tree._tree.Tree"]',
  "from mlflow.utils import requirements_utils",
].join("\n");

/** The last line a cell printed (MLflow prints its own log lines first). */
const lastLine = (ran: { text: string }) => ran.text.trim().split("\n").at(-1);

/**
 * python/course_kernel.py on a real Jupyter server and a real MLflow: the course's imports
 * start ahead of need, MLflow's requirement inference is answered from the course's table with
 * MLflow's own answer, and a flood of output stops in the kernel. (The sandboxed kernel runs the
 * same file: every-lesson-sandboxed.integration.test.ts checks the table is used there.)
 */
describe("the course's kernel", () => {
  let course: TempCourse;
  let runtime: CourseRuntime;
  const kernel = (learner: string) => runtime.learner(learner).kernel;
  const run = (code: string) => collectCell(kernel("ada"), code, { timeLimitMs: 170_000 });

  beforeAll(async () => {
    // The course's kernel as it runs without the sandbox (the sandboxed one runs the same file).
    course = await startTempCourse(["mlflow", "jupyter"], { COURSE_SANDBOX: "off" });
    runtime = await CourseRuntime.start(course.config);
  });
  afterAll(async () => {
    await runtime?.stop({ kernels: true });
    await course?.stop();
  });

  it("imports the lessons' modules ahead of need, between cells, without adding names to the learner's namespace", async () => {
    const probe = [
      "import sys",
      "print(all(name in sys.modules for name in ('pandas', 'sklearn.ensemble', 'mlflow.sklearn', 'skops.io')), [name for name in ('pd', 'pandas', 'mlflow', 'sklearn', 'requirements_table') if name in globals()])",
    ].join("\n");
    // The imports wait for a second without cells: ask again, 2 s apart, until they are done.
    let ran = await run(probe);
    for (let tries = 0; tries < 60 && ran.text === "False []\n"; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      ran = await run(probe);
    }
    expect(ran.text, ran.errors.join("\n")).toBe("True []\n");
  });

  it("does not import ahead while a cell runs: the learner's cell goes first", async () => {
    const preloaded = ["numpy", "pyarrow", "pandas", "scipy.sparse", "scipy.special", "scipy.optimize", "scipy.stats", "sklearn", "sklearn.ensemble", "mlflow", "mlflow.sklearn", "skops.io", "git"];
    const ran = await collectCell(
      kernel("grace"),
      `import sys, time\nwanted = ${JSON.stringify(preloaded)}\nbefore = [name for name in wanted if name in sys.modules]\ntime.sleep(3)\nprint(len([name for name in wanted if name in sys.modules and name not in before]))`,
      { timeLimitMs: 60_000 },
    );
    // At most the one package being imported when the cell began finishes; nothing new starts.
    expect(Number(ran.text.trim()), ran.text + ran.errors.join("\n")).toBeLessThanOrEqual(1);
  });

  it("writes the requirements MLflow's own inference writes, without inferring again", async () => {
    const ran = await run(
      [
        FOREST,
        "tabled = requirements_utils._capture_imported_modules",
        "before = tabled.answered",
        "mlflow.set_experiment('course-kernel')",
        "with mlflow.start_run():",
        "    info = mlflow.sklearn.log_model(model, name='model', skops_trusted_types=TRUSTED)",
        "logged = open(mlflow.pyfunc.get_model_dependencies(info.model_uri)).read()",
        "requirements_utils._capture_imported_modules = tabled.original",
        "try:",
        "    mlflow.sklearn.save_model(model, 'inferred-by-mlflow', skops_trusted_types=TRUSTED)",
        "finally:",
        "    requirements_utils._capture_imported_modules = tabled",
        "inferred = open('inferred-by-mlflow/requirements.txt').read()",
        "print(tabled.answered - before, logged == inferred, 'scikit-learn==' in logged)",
      ].join("\n"),
    );
    expect(lastLine(ran), ran.text + ran.errors.join("\n")).toBe("1 True True");
  });

  it("answers from the table when the learner's very first cell imports MLflow and logs a model", async () => {
    const ran = await collectCell(
      kernel("hopper"),
      [FOREST, "mlflow.sklearn.save_model(model, 'first-cell-model', skops_trusted_types=TRUSTED)", "print(requirements_utils._capture_imported_modules.answered)"].join("\n"),
      { timeLimitMs: 170_000 },
    );
    expect(lastLine(ran), ran.text + ran.errors.join("\n")).toBe("1");
  });

  it("lets MLflow infer as usual when a module in the learner's folder could change the answer", async () => {
    const ran = await run(
      [
        FOREST,
        "import json, os, sys",
        "table = json.load(open(os.path.join(sys.prefix, 'course-requirements-table.json')))",
        // A module MLflow's capture tries to import and that is not installed: a learner's file of that name would be imported.
        "absent = sorted(set.intersection(*({name for name, origin in entry['origins'].items() if origin is None} for entry in table['entries'].values())))[0]",
        "open(absent + '.py', 'w').write('')",
        "tabled = requirements_utils._capture_imported_modules",
        "before = tabled.answered",
        "try:",
        "    mlflow.sklearn.save_model(model, 'shadowed', skops_trusted_types=TRUSTED)",
        "finally:",
        "    os.remove(absent + '.py')",
        "mlflow.sklearn.save_model(model, 'not-shadowed', skops_trusted_types=TRUSTED)",
        "print(tabled.answered - before)",
      ].join("\n"),
    );
    // The shadowed save is inferred by MLflow (not answered); the next one is answered again.
    expect(lastLine(ran), ran.text + ran.errors.join("\n")).toBe("1");
  });

  it("stops a cell's flood of output in the kernel, before it reaches Jupyter", async () => {
    const settings = jupyterSettings(course.config.jupyter.url, course.config.jupyter.token!);
    const model = await KernelAPI.startNew({ name: UNSANDBOXED_KERNEL }, settings);
    const kernel = new KernelConnection({ model, serverSettings: settings, handleComms: false });
    try {
      let received = 0;
      const future = kernel.requestExecute({ code: "for i in range(400_000):\n    print('flood line', i)" });
      future.onIOPub = (message: KernelMessage.IIOPubMessage) => {
        if (message.header.msg_type === "stream") received += (message.content as { text: string }).text.length;
      };
      await future.done;
      // The loop prints about 7 MB; Jupyter receives the kernel's cap and no more.
      const cap = kernelOutputCapBytes(course.config);
      expect(received).toBeGreaterThan(course.config.cells.outputCapBytes);
      expect(received).toBeLessThanOrEqual(cap + 64);
      const after = kernel.requestExecute({ code: "print('next cell')" });
      let text = "";
      after.onIOPub = (message: KernelMessage.IIOPubMessage) => {
        if (message.header.msg_type === "stream") text += (message.content as { text: string }).text;
      };
      await after.done;
      expect(text).toBe("next cell\n");
    } finally {
      await kernel.shutdown();
    }
  });
});
