// A large class of results for timing and layout tests, made from the hand-written fixture class
// (fixtures/results/csci5501-a2): each synthetic student is a copy of one fixture student with seeded noise
// on curves and confusion counts and a few more failed tests. Fixture data only: the totals of a copy are
// kept consistent with its tests (the generator edits stored data; reports still never compute scores).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import type { SubmissionResult } from '../types/submission-result.ts';
import { studentId } from '../results/student-id.ts';
import { loadResults } from './load-results.ts';

export const FIXTURE_RESULTS_DIR = fileURLToPath(new URL('../../fixtures/results/', import.meta.url));

export async function syntheticClass(n: number, seed = 'dlgrade-report', assignment = 'csci5501-a2'): Promise<SubmissionResult[]> {
  const templates = (await loadResults(path.join(FIXTURE_RESULTS_DIR, assignment))).map((l) => l.result);
  if (templates.length === 0) throw new Error(`no fixture results of ${assignment} in ${FIXTURE_RESULTS_DIR}`);
  // Messages of failed tests, by test id, to give a new failure a realistic message.
  const messages = new Map<string, string>();
  for (const t of templates.flatMap((r) => r.tests)) if (t.status === 'failed' && !messages.has(t.id)) messages.set(t.id, t.output);
  const rng = seedrandom(seed);
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => {
    const r = structuredClone(templates[i % templates.length]!);
    r.student = `student-${String(i + 1).padStart(width, '0')}`;
    r.id = studentId(r.student);
    r.startedAt = new Date(Date.parse(r.startedAt) + i * 47_000).toISOString();
    r.durationMs = Math.round(r.durationMs * (0.8 + 0.4 * rng()));
    const jitter = (v: number, amount: number): number => Math.round(v * (1 + (rng() - 0.5) * amount) * 10000) / 10000;
    for (const c of r.artifacts.curves ?? []) {
      c.trainLoss = c.trainLoss?.map((v) => jitter(v, 0.08));
      c.valLoss = c.valLoss?.map((v) => jitter(v, 0.08));
      c.trainAcc = c.trainAcc?.map((v) => Math.min(1, jitter(v, 0.03)));
      c.valAcc = c.valAcc?.map((v) => Math.min(1, jitter(v, 0.03)));
    }
    for (const m of r.artifacts.confusion ?? []) {
      // Move a few predictions of each row off or onto the diagonal; row totals stay the same.
      m.matrix = m.matrix.map((row, t) => {
        const out = [...row];
        const p = Math.floor(rng() * out.length);
        const k = Math.floor(rng() * 6) - 2;
        if (p !== t && out[t]! - k >= 0 && out[p]! + k >= 0) {
          out[t]! -= k;
          out[p]! += k;
        }
        return out;
      });
    }
    if (r.status === 'ok') {
      // Up to two extra failures among passed tests.
      const extra = Math.floor(rng() * 3);
      for (let k = 0; k < extra; k++) {
        const passed = r.tests.filter((t) => t.status === 'passed');
        const t = passed[Math.floor(rng() * passed.length)];
        if (!t) break;
        const lost = t.score;
        t.status = 'failed';
        t.score = 0;
        t.output = messages.get(t.id) ?? `${t.name}: expected the reference's behaviour, got a different result (synthetic failure for report tests).`;
        const e = r.exercises.find((x) => x.id === t.exercise);
        if (e) e.score -= lost;
        r.score -= lost;
      }
    }
    return r;
  });
}
