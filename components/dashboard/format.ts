/** What "time to pass" measures, wherever the dashboard (about a learner) or a learner's progress (to them) shows one. */
export function timeToPassMeaning(reader: "instructor" | "learner"): string {
  const [who, whose] = reader === "instructor" ? ["the learner", "their"] : ["you", "your"];
  return `Time to pass runs from when ${who} first opened the exercise's lesson (or ran one of its cells) to ${whose} first passing Check.`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return minutes ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

export function formatPercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${Math.round(rate * 100)}%`;
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "—";
}
