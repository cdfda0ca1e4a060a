import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** How a process of the project ended: its exit code and all it printed. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects what `child` prints until it exits. */
export function runToEnd(child: ChildProcessWithoutNullStreams): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
