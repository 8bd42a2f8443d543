import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AnsiText } from "./ansi-text";

const render = (text: string) => renderToStaticMarkup(createElement(AnsiText, { text }));

describe("cell output text", () => {
  it("makes the course's MLflow UI links clickable, in colour too, and nothing else", () => {
    expect(render("View run x at: /mlflow/#/experiments/1/runs/ab?workspace=ws-a\nnext")).toBe(
      'View run x at: <a href="/mlflow/#/experiments/1/runs/ab?workspace=ws-a" target="_blank" rel="noopener" class="text-blue-700 underline dark:text-blue-300">/mlflow/#/experiments/1/runs/ab?workspace=ws-a</a>\nnext',
    );
    expect(render("\x1b[32m/mlflow/#/experiments/2\x1b[0m")).toContain('<a href="/mlflow/#/experiments/2"');
    expect(render("see http://evil.example/mlflow/#/x and x/mlflow/#/y")).not.toContain("<a");
    expect(render('/mlflow/#/"><script>')).toBe('<a href="/mlflow/#/&quot;&gt;&lt;script&gt;" target="_blank" rel="noopener" class="text-blue-700 underline dark:text-blue-300">/mlflow/#/&quot;&gt;&lt;script&gt;</a>');
  });
});
