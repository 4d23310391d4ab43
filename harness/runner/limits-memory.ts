// Watches a child's resident memory and reports when it passes the limit. --max-old-space-size alone is
// not enough: tfjs-backend-wasm's memory, typed arrays and Buffers live outside V8's heap. Linux reads
// /proc/<pid>/status (VmRSS, and VmHWM for the peak), macOS/BSD asks `ps`, elsewhere the child reports
// its own process.memoryUsage.rss() in heartbeats (weaker: a busy child stops reporting, so there only the
// time limit and the V8 heap limit hold).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { MemoryWatch } from './sandbox.ts';

export interface MemorySample {
  rssBytes: number;
  /** Peak resident size where the OS keeps it (Linux VmHWM). */
  peakBytes?: number;
}

export async function readProcStatus(pid: number): Promise<MemorySample | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    const rss = kb('VmRSS');
    if (rss === undefined) return undefined;
    const peak = kb('VmHWM');
    return peak === undefined ? { rssBytes: rss } : { rssBytes: rss, peakBytes: peak };
  } catch {
    return undefined; // gone
  }
}

function readPs(pid: number): Promise<MemorySample | undefined> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 2000 }, (err, out) => {
      const kb = Number(String(out).trim());
      resolve(err || !Number.isFinite(kb) || kb <= 0 ? undefined : { rssBytes: kb * 1024 });
    });
  });
}

export interface MemoryWatcher {
  /** Feed a heartbeat (mode 'heartbeat'; ignored otherwise). */
  heartbeat(bytes: number): void;
  /** Largest resident size seen so far. */
  peakBytes(): number;
  stop(): void;
}

/**
 * Samples `pid` every `intervalMs` and calls `onOver(bytes)` once when resident memory exceeds `limitBytes`.
 */
export function watchMemory(pid: number, mode: MemoryWatch, limitBytes: number, onOver: (bytes: number) => void, intervalMs = mode === 'ps' ? 250 : 50): MemoryWatcher {
  let peak = 0;
  let fired = false;
  let stopped = false;
  const see = (bytes: number, hwm?: number) => {
    // The kernel's high-water mark also catches a spike that came and went between two samples.
    const high = Math.max(bytes, hwm ?? 0);
    peak = Math.max(peak, high);
    if (!fired && high > limitBytes) {
      fired = true;
      onOver(high);
    }
  };
  let busy = false;
  const timer =
    mode === 'heartbeat'
      ? undefined
      : setInterval(() => {
          if (busy || stopped) return;
          busy = true;
          void (mode === 'proc' ? readProcStatus(pid) : readPs(pid)).then((s) => {
            busy = false;
            if (s && !stopped) see(s.rssBytes, s.peakBytes);
          });
        }, intervalMs);
  timer?.unref();
  return {
    heartbeat(bytes) {
      if (mode === 'heartbeat' && !stopped) see(bytes);
    },
    peakBytes: () => peak,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}
