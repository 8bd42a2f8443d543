import type { CommonFailure } from "@/contracts/dashboard";

export function CommonFailures({ failures, titles }: { failures: CommonFailure[]; titles: Record<string, string> }) {
  if (failures.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No failed checks yet.</p>;
  const most = Math.max(...failures.map((failure) => failure.learners), 1);
  return (
    <table className="w-full table-fixed text-left text-sm" data-testid="common-failures">
      <thead>
        <tr className="border-b border-slate-300 dark:border-slate-700">
          <th scope="col" className="w-1/3 py-1">Check</th>
          <th scope="col" className="w-1/4">Learners</th>
          <th scope="col">Most frequent messages</th>
        </tr>
      </thead>
      <tbody>
        {failures.slice(0, 10).map((failure) => (
          <tr key={`${failure.exercise}/${failure.checkId}`} className="border-b border-slate-200 align-top dark:border-slate-800" data-testid={`failure-${failure.exercise}-${failure.checkId}`}>
            <td className="py-1 pr-2">
              <span className="block font-medium">{failure.title}</span>
              <span className="text-xs text-slate-500 dark:text-slate-400">{titles[failure.exercise] ?? failure.exercise}</span>
            </td>
            <td className="pr-2">
              <span className="mr-2 tabular-nums">{failure.learners}</span>
              <span className="inline-block h-2 rounded bg-red-400 align-middle" style={{ width: `${(failure.learners / most) * 70}%` }} aria-hidden />
              <span className="block text-xs text-slate-500 dark:text-slate-400">{failure.failedAttempts} failed attempts</span>
            </td>
            <td>
              <ul className="space-y-0.5">
                {failure.topMessages.map((message) => (
                  <li key={message.message} className="break-words">
                    <span className="tabular-nums text-slate-500 dark:text-slate-400">{message.count}×</span> {message.message}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
