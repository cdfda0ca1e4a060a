/**
 * Where GraphiQL's editor (Monaco) finds its web workers: bundles served by the hub beside the
 * page (buildExplorer builds them), never a CDN. One worker per language Monaco asks for.
 */
export function setupMonacoWorkers(assetsPath: string): void {
  const workerFiles: Readonly<Record<string, string>> = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
  (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
    getWorker: (_workerId: string, label: string) => new Worker(`${assetsPath}/${workerFiles[label] ?? 'editor.worker.js'}`, { name: label }),
  };
}
