import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AnsiText, applyCarriageReturns } from "./ansi-text";

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

  it("shows a line redrawn with carriage returns as a terminal ends it (progress bars)", () => {
    expect(applyCarriageReturns("  0%|          | 0/3\r 33%|###       | 1/3\r100%|##########| 3/3\n")).toBe("100%|##########| 3/3\n");
    expect(applyCarriageReturns("downloading 10%\rdone\n")).toBe("doneloading 10%\n");
    expect(applyCarriageReturns("50%\r")).toBe("50%");
    expect(applyCarriageReturns("windows line\r\nnext")).toBe("windows line\nnext");
    expect(applyCarriageReturns("no returns\nhere")).toBe("no returns\nhere");
    expect(render("a\rb")).toBe("b");
  });
});
