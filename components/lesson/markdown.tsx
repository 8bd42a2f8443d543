import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

/** Lesson prose. Raw HTML in lessons is not rendered (react-markdown's default). */
export function Markdown({ children }: { children: string }) {
  return (
    <div className="lesson-prose">
      <ReactMarkdown remarkPlugins={[remarkGfm]}>{children}</ReactMarkdown>
    </div>
  );
}
