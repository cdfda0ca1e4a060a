/** Runs a benchmark's `main` and ends the process: 0 when it finished, 1 (with the error) when it failed. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('[bench] failed:', error);
      process.exit(1);
    },
  );
}
