import sanitizeHtml from "sanitize-html";

/**
 * Kernel HTML is untrusted (learner code can print anything). Keep what
 * tables and simple rich output need; drop scripts, event handlers, styles,
 * frames and any URL that is not an inline image.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "div", "span", "p", "br", "hr", "pre", "code", "b", "i", "em", "strong", "small", "sub", "sup",
    "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "img", "details", "summary",
  ],
  allowedAttributes: {
    "*": ["class", "title"],
    th: ["colspan", "rowspan", "class", "title"],
    td: ["colspan", "rowspan", "class", "title"],
    img: ["src", "alt", "width", "height"],
  },
  allowedSchemes: [],
  allowedSchemesByTag: { img: ["data"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Images only as inline data: no request leaves the page because of kernel output.
  exclusiveFilter: (frame) => frame.tag === "img" && !/^data:image\/(png|jpeg|gif|webp);base64,/i.test(frame.attribs.src ?? ""),
};

export function sanitizeKernelHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
