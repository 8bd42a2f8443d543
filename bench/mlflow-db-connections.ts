// bench/mlflow-db-connections: how many PostgreSQL connections one MLflow server of the course
// holds (its backend store on PostgreSQL, COURSE_MLFLOW_DATABASE_URL), idle and under bursts of
// concurrent requests: the figure the capacity plan (bench/README.md) multiplies by replicas.
//   npx tsx bench/mlflow-db-connections.ts [workers=2]
// Uses TEST_DATABASE_URL's PostgreSQL when set, else starts a throwaway one as `npm test` does.
import pg from "pg";
import { startTempCourse } from "../server/testing/temp-course";
import { createTestDatabase } from "../server/testing/test-postgres";
import { withTestPostgres } from "../scripts/testing/postgres.mjs";

const workers = process.argv[2] ?? "2";

async function measure(): Promise<void> {
  const database = await createTestDatabase("bench_mlflow_connections");
  const course = await startTempCourse(["mlflow"], { COURSE_MLFLOW_DATABASE_URL: database.url, COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "bench-course-passphrase", DATABASE_URL: "", MLFLOW_WORKERS: workers });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const connections = async () => Number((await client.query("select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")).rows[0].count);
  try {
    console.log(`bench/mlflow-db-connections: one MLflow server, ${workers} workers, ${new Date().toISOString()}`);
    console.log(`idle after start: ${await connections()} connections`);
    let peak = 0;
    const sampler = setInterval(() => void connections().then((n) => (peak = Math.max(peak, n)), () => undefined), 50);
    const url = course.config.mlflow.url;
    const post = async (api: string, body: unknown) =>
      (await fetch(`${url}/api/2.0/mlflow/${api}`, { method: "POST", headers: { "content-type": "application/json", "x-mlflow-workspace": "default" }, body: JSON.stringify(body) })).json();
    for (const burst of [10, 50, 100]) {
      await Promise.all(
        Array.from({ length: burst }, async (_, i) => {
          const { experiment_id } = await post("experiments/create", { name: `burst-${burst}-${i}` });
          await post("runs/create", { experiment_id });
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      console.log(`after ${burst} concurrent clients (create an experiment, then a run): ${await connections()} connections held, peak ${peak}`);
    }
    clearInterval(sampler);
  } finally {
    await client.end();
    await course.stop();
    await database.drop();
  }
}

if (process.env.TEST_DATABASE_URL) await measure();
else await withTestPostgres({ ...process.env }, measure);
