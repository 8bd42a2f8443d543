import os from "node:os";
import { describe, expect, it } from "vitest";
import { runLearnerCodeProcess } from "./run-spark-check";

/** A stand-in for python/spark_check.py: the same pipes (answers on fd 3, the grader's word on fd 4), in sh. */
const run = (script: string, gate: Promise<unknown>, timeoutMs = 10_000) =>
  runLearnerCodeProcess("/bin/sh", ["-c", script], { env: { PATH: process.env.PATH }, cwd: os.tmpdir(), stdin: "the code", timeoutMs, gate });

describe("the learner's process and its pipes", () => {
  it("gets the code on stdin and the grader's word on fd 4; its answer on fd 3, its stages and prints on stderr", async () => {
    const script = [
      "read code",
      "read word <&4",
      `echo "{\\"code\\": \\"$code\\", \\"word\\": $word}" >&3`,
      `echo 'SPARK_CHECK_STAGE {"stage": "call", "found": {"defined": true}}' >&2`,
      "echo a learner print",
    ].join("\n");
    const result = await run(script, Promise.resolve({ call: true }));
    expect(result).toMatchObject({
      answer: '{"code": "the code", "word": {"call":true}}\n',
      answerOverflow: false,
      lastStage: { stage: "call", found: { defined: true } },
      stderrTail: "a learner print\n",
      timedOut: false,
      gateFailed: false,
      exitCode: 0,
    });
  });

  it("stops the process, and what it started, when the answer channel overflows", async () => {
    const result = await run("sleep 60 & head -c 9000000 /dev/zero | tr '\\0' a >&3; wait", new Promise(() => {}));
    expect(result.answerOverflow).toBe(true);
    expect(result.answer).toHaveLength(8 * 1024 * 1024);
    expect(result.signal ?? result.exitCode).not.toBe(0);
  });

  it("stops the process when the grader's word cannot come (the expected predictions failed)", async () => {
    const result = await run("read word <&4; sleep 60", Promise.reject(new Error("MLflow is down")));
    expect(result).toMatchObject({ gateFailed: true, timedOut: false, signal: "SIGKILL" });
  });

  it("kills the process group with SIGKILL at the time limit, even code that ignores SIGTERM", async () => {
    const result = await run(`trap "" TERM; echo 'SPARK_CHECK_STAGE {"stage": "compute", "found": {}}' >&2; while :; do sleep 0.1; done`, new Promise(() => {}), 300);
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL", lastStage: { stage: "compute" } });
  });
});
