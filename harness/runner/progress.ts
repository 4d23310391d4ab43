// Progress of a class run. On a terminal: a cli-progress bar with counts (done/total, problems, skipped)
// and time left. Elsewhere (CI logs): one plain line per finished student with the same counts, and a
// "still grading" line when nothing has finished for a while, so a long submission is visible in the log.
// Student names are shown escaped (displayName) and every line is terminal-safe (terminalText): a folder
// name cannot move the cursor, start a new log line or issue a CI workflow command.
import { SingleBar } from 'cli-progress';
import { formatDuration, formatPoints } from '../results/format.ts';
import { displayName, terminalText } from '../results/safe-text.ts';
import type { SubmissionResult } from '../types/submission-result.ts';

export interface ClassProgress {
  begin(total: number, skipped: number): void;
  started(student: string): void;
  finished(student: string, r: SubmissionResult): void;
  end(): void;
}

export const silentProgress: ClassProgress = { begin() {}, started() {}, finished() {}, end() {} };

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Override TTY detection (tests). */
  tty?: boolean;
  /** Non-TTY: print "still grading" after this long without a finished student. */
  quietMs?: number;
  now?: () => number;
}

export function createProgress(opts: ProgressOptions = {}): ClassProgress {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? !!stream.isTTY;
  const now = opts.now ?? Date.now;
  let total = 0;
  let skipped = 0;
  let done = 0;
  let problems = 0;
  let t0 = 0;
  let lastLine = 0;
  const running = new Set<string>();
  let bar: SingleBar | undefined;
  let quiet: NodeJS.Timeout | undefined;

  const eta = () => (done === 0 ? 'unknown' : formatDuration(((now() - t0) / done) * (total - done)));
  const write = (line: string) => {
    stream.write(`${terminalText(line)}\n`);
    lastLine = now();
  };

  return {
    begin(n, s) {
      total = n;
      skipped = s;
      t0 = now();
      lastLine = t0;
      if (tty) {
        bar = new SingleBar({
          format: 'grading [{bar}] {value}/{total} students | {problems} problems | {skipped} skipped | elapsed {duration_formatted} | left {eta_formatted} | {last}',
          hideCursor: true,
          etaBuffer: 8,
          fps: 5,
          stream: stream as NodeJS.WritableStream,
        });
        bar.start(total, 0, { problems: 0, skipped, last: '' });
      } else {
        write(`grading ${total} student${total === 1 ? '' : 's'}${skipped ? ` (${skipped} already graded, skipped; --force regrades them)` : ''}`);
        const every = opts.quietMs ?? 60_000;
        quiet = setInterval(() => {
          if (now() - lastLine >= every && running.size) write(`  still grading: ${[...running].map(displayName).join(', ')} (${formatDuration(now() - t0)} elapsed, ${done}/${total} done)`);
        }, Math.min(every, 10_000));
        quiet.unref();
      }
    },
    started(student) {
      running.add(student);
    },
    finished(student, r) {
      running.delete(student);
      done++;
      if (r.status !== 'ok') problems++;
      const what = `${displayName(student)}: ${formatPoints(r.score)}/${formatPoints(r.maxScore)}${r.status === 'ok' ? '' : ` ${r.status}`}`;
      if (bar) bar.update(done, { problems, skipped, last: terminalText(what) });
      else write(`[${done}/${total}] ${what} (${formatDuration(r.durationMs)}) | ${problems} problem${problems === 1 ? '' : 's'} | elapsed ${formatDuration(now() - t0)}, about ${eta()} left`);
    },
    end() {
      if (quiet) clearInterval(quiet);
      if (bar) bar.stop();
      else write(`graded ${done}/${total} in ${formatDuration(now() - t0)}${problems ? `, ${problems} with problems` : ''}`);
    },
  };
}
