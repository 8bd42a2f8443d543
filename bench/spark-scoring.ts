// bench/spark-scoring: how fast the registered IrisModel scores rows through a Spark UDF,
// so that the Spark lesson can say honestly when Spark pays off.
//   figure:   rows per second through mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging",
//             env_manager="local", result_type="long") on 1, 10 and 100 thousand rows
//             (input cached in Spark; every row scored, written to Spark's `noop` sink)
//   baseline: rows per second of model.predict on a pandas DataFrame of the same rows, with the
//             model loaded by mlflow.pyfunc.load_model, in the same Python process and run
// Also printed: the one-off costs a Spark job pays before scoring anything (starting Spark,
// creating the UDF, the first job: Python workers start and load the model).
// The model is made by grader/fixtures/model_registry_pass.py against a temporary MLflow.
// Each size: one warm-up, then the median of `repeats` timings. Spark: local[*], or SPARK_MASTER.
//   npx tsx bench/spark-scoring.ts [repeats=3]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runProcess } from "../lib/process/run-process";
import { runFixtures } from "../grader/testing/run-fixtures";
import { startTempCourse } from "../server/testing/temp-course";

const repeats = Number(process.argv[2] ?? 3);
const SIZES = [1_000, 10_000, 100_000];

const SCRIPT = String.raw`
import json, os, statistics, sys, time, warnings
warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
import numpy as np
import mlflow
from sklearn.datasets import load_iris

sizes = [int(s) for s in sys.argv[1].split(",")]
repeats = int(sys.argv[2])
out = {"sizes": []}

model = mlflow.pyfunc.load_model("models:/IrisModel/Staging")
iris = load_iris(as_frame=True).data
rng = np.random.default_rng(0)

def rows(n):
    # Iris flowers drawn with replacement, each measure jittered a little: realistic, not cached.
    frame = iris.sample(n=n, replace=True, random_state=0).reset_index(drop=True)
    return frame + rng.normal(0, 0.05, size=frame.shape).round(2)

def median_seconds(run):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)

t = time.perf_counter()
from pyspark.sql import SparkSession
from pyspark.sql.functions import struct
spark = (
    SparkSession.builder.master(os.environ.get("SPARK_MASTER") or "local[*]")
    .appName("bench-spark-scoring")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.log.level", "ERROR")
    .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
out["spark_start_s"] = time.perf_counter() - t
out["spark_version"] = spark.version
out["master"] = spark.sparkContext.master
out["parallelism"] = spark.sparkContext.defaultParallelism

t = time.perf_counter()
predict = mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local", result_type="long")
out["udf_create_s"] = time.perf_counter() - t

first = True
for n in sizes:
    pdf = rows(n)
    pandas_s = median_seconds(lambda: model.predict(pdf))
    sdf = spark.createDataFrame(pdf).cache()
    sdf.count()
    scored = sdf.withColumn("predicted_label", predict(struct(*sdf.columns)))
    if first:
        t = time.perf_counter()
        scored.write.format("noop").mode("overwrite").save()
        out["first_job_s"] = time.perf_counter() - t
        first = False
    spark_s = median_seconds(lambda: scored.write.format("noop").mode("overwrite").save())
    # The same predictions both ways (the UDF is the model).
    check = scored.limit(200).toPandas()
    agree = int((model.predict(check[list(iris.columns)]) == check["predicted_label"]).sum())
    out["sizes"].append({"rows": n, "pandas_s": pandas_s, "spark_s": spark_s, "agree": agree, "checked": len(check)})
    sdf.unpersist()

spark.stop()
print("BENCH " + json.dumps(out), flush=True)
`;

async function runPython(pythonBin: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  // Its own process group: Spark's JVM, if it outlived the script, goes with it.
  const { code, stdout, stderr } = await runProcess({ command: pythonBin, args, env, cwd }, { timeoutMs: Number.POSITIVE_INFINITY, stderr: { maxChars: 6000, keep: "tail" } });
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
  if (code !== 0 || !line) throw new Error(`the benchmark script failed (exit ${code}):\n${stderr}`);
  return line.slice("BENCH ".length);
}

type Result = {
  spark_start_s: number;
  udf_create_s: number;
  first_job_s: number;
  spark_version: string;
  master: string;
  parallelism: number;
  sizes: { rows: number; pandas_s: number; spark_s: number; agree: number; checked: number }[];
};

const course = await startTempCourse(["mlflow"]);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-spark-scoring-"));
try {
  const python = path.join(course.config.python.bin, "python");
  await runFixtures(python, course.config.mlflow.url, ["model_registry_pass.py"]);
  const script = path.join(scratch, "spark_scoring.py");
  fs.writeFileSync(script, SCRIPT);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MLFLOW_TRACKING_URI: course.config.mlflow.url,
    MLFLOW_DISABLE_TELEMETRY: "true",
    PYSPARK_PYTHON: python,
    PYSPARK_DRIVER_PYTHON: python,
    PATH: `${course.config.python.bin}${path.delimiter}${process.env.PATH ?? ""}`,
    TMPDIR: scratch,
    SPARK_LOCAL_DIRS: scratch,
  };
  const result = JSON.parse(await runPython(python, [script, SIZES.join(","), String(repeats)], env, scratch)) as Result;

  const rate = (rows: number, seconds: number) => Math.round(rows / seconds).toLocaleString("en-US");
  console.log(
    `spark-scoring on ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, Spark ${result.spark_version} ${result.master} ` +
      `(parallelism ${result.parallelism}), median of ${repeats} after a warm-up`,
  );
  console.log(
    `one-off: Spark start ${result.spark_start_s.toFixed(1)} s, spark_udf ${result.udf_create_s.toFixed(1)} s, ` +
      `first job (workers load the model) ${result.first_job_s.toFixed(1)} s`,
  );
  console.log("rows     | Spark UDF rows/s (time)   | pandas predict rows/s (time) | Spark / pandas");
  for (const size of result.sizes) {
    if (size.agree !== size.checked) throw new Error(`the UDF and model.predict disagree on ${size.checked - size.agree} of ${size.checked} rows`);
    const ratio = size.pandas_s / size.spark_s;
    console.log(
      `${size.rows.toLocaleString("en-US").padEnd(8)} | ${rate(size.rows, size.spark_s).padStart(10)} (${(size.spark_s * 1000).toFixed(0).padStart(5)} ms) ` +
        `     | ${rate(size.rows, size.pandas_s).padStart(10)} (${(size.pandas_s * 1000).toFixed(1).padStart(6)} ms)      | ${ratio.toFixed(3)}x (pandas ${(1 / ratio).toFixed(1)}x faster)`,
    );
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
  await course.stop();
}
