/**
 * Memoises an async loader for one grading, so that several checks reading the
 * same MLflow object cost one request. `peek` reads the value only if it is
 * already there (the report's graded run must not trigger new requests).
 */
export function once<T>(load: () => Promise<T>): (() => Promise<T>) & { peek(): T | undefined } {
  let promise: Promise<T> | undefined;
  let settled: { value: T } | undefined;
  const get = () => {
    promise ??= load().then((value) => {
      settled = { value };
      return value;
    });
    return promise;
  };
  return Object.assign(get, { peek: () => settled?.value });
}
