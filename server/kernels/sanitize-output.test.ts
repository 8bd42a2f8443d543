import { describe, expect, it } from "vitest";
import { sanitizeKernelHtml } from "./sanitize-output";

describe("sanitizeKernelHtml", () => {
  it("keeps a pandas table", () => {
    const html = '<div><table border="1" class="dataframe"><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></div>';
    expect(sanitizeKernelHtml(html)).toBe('<div><table class="dataframe"><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></div>');
  });

  it.each([
    ["a script", "<script>alert(1)</script><b>ok</b>", "<b>ok</b>"],
    ["an event handler on an image", '<img src="x" onerror="alert(1)"><b>ok</b>', "<b>ok</b>"],
    ["a javascript: link", '<a href="javascript:alert(1)">x</a>', "x"],
    ["an iframe", '<iframe src="https://example.com"></iframe>ok', "ok"],
    ["a style block", "<style>body{display:none}</style>ok", "ok"],
    ["inline styles", '<b style="position:fixed">ok</b>', "<b>ok</b>"],
    ["an image from the network", '<img src="https://tracker.example/p.png">ok', "ok"],
  ])("drops %s", (_, input, output) => {
    expect(sanitizeKernelHtml(input)).toBe(output);
  });

  it("keeps inline images", () => {
    const html = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="plot">';
    expect(sanitizeKernelHtml(html)).toBe('<img src="data:image/png;base64,iVBORw0KGgo=" alt="plot" />');
  });
});
