import type { ComponentProps } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

// A code block may scroll sideways: focusable, so the keyboard can scroll it too.
const components = {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  pre: ({ node, ...props }: ComponentProps<"pre"> & { node?: unknown }) => <pre tabIndex={0} {...props} />,
};

/** Lesson prose. Raw HTML in lessons is not rendered (react-markdown's default). */
export function Markdown({ children }: { children: string }) {
  return (
    <div className="lesson-prose">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>{children}</ReactMarkdown>
    </div>
  );
}
