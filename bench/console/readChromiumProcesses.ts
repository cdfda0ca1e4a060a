import { readFileSync, readdirSync } from 'node:fs';

/** CPU time and resident memory of one kind of Chromium process (renderer, gpu-process, browser …), all of its processes together. */
export interface ChromiumProcessKind {
  readonly processes: number;
  /** User + system CPU since each process started, ms. */
  readonly cpuMs: number;
  /** Resident anonymous memory (RssAnon), summed. */
  readonly rssBytes: number;
}

/** Chromium's processes under this one, by `--type` (`browser` for the main process). */
export type ChromiumProcesses = Record<string, ChromiumProcessKind>;

/** proc(5): times are in clock ticks (USER_HZ, 100 on Linux), RSS in pages. */
const MS_PER_TICK = 10;
const PAGE_BYTES = 4096;

/**
 * Reads /proc for every process descended from `rootPid` (the browser Playwright started and
 * its zygotes' renderer, GPU and utility processes), grouped by Chromium's `--type` switch.
 * Linux only; elsewhere it returns no processes.
 */
export function readChromiumProcesses(rootPid: number = process.pid): ChromiumProcesses {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return {};
  }
  const stats = new Map<number, { ppid: number; cpuMs: number; rssBytes: number }>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command, which is in parentheses and may hold spaces: state is field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const cpuMs = (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
      stats.set(Number(name), { ppid, cpuMs, rssBytes: Number(fields[21]) * PAGE_BYTES });
    } catch {
      // Gone meanwhile.
    }
  }
  const commandOf = (pid: number): string | null => {
    try {
      // Chromium rewrites its children's command lines into one space-separated string.
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return null;
    }
  };
  const descendants = new Set<number>([rootPid]);
  let grew: boolean;
  do {
    grew = false;
    for (const [pid, { ppid }] of stats) {
      if (!descendants.has(pid) && descendants.has(ppid)) {
        descendants.add(pid);
        grew = true;
      }
    }
  } while (grew);
  descendants.delete(rootPid);
  const kinds: Record<string, { processes: number; cpuMs: number; rssBytes: number }> = {};
  for (const pid of descendants) {
    const command = commandOf(pid);
    if (!command || !/chrom/i.test(command)) continue;
    const type = /--type=(\S+)/.exec(command)?.[1] ?? 'browser';
    const stat = stats.get(pid)!;
    const kind = (kinds[type] ??= { processes: 0, cpuMs: 0, rssBytes: 0 });
    kind.processes += 1;
    kind.cpuMs += stat.cpuMs;
    kind.rssBytes += anonymousRssOf(pid) ?? stat.rssBytes;
  }
  return kinds;
}

/**
 * Resident anonymous memory (heaps, JIT code, buffers): what a page that leaks grows by. RSS
 * also counts the shared library pages every Chromium process maps, once per process.
 */
function anonymousRssOf(pid: number): number | null {
  try {
    const kb = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** CPU each kind used between two readings, in cores (1.00 = one core busy); RSS from the later reading. */
export function chromiumLoadBetween(before: ChromiumProcesses, after: ChromiumProcesses, seconds: number): Record<string, { cores: number; rssBytes: number; processes: number }> {
  return Object.fromEntries(
    Object.entries(after).map(([type, kind]) => [
      type,
      { cores: seconds > 0 ? Math.max(0, kind.cpuMs - (before[type]?.cpuMs ?? 0)) / 1000 / seconds : 0, rssBytes: kind.rssBytes, processes: kind.processes },
    ]),
  );
}
