import path from 'node:path';
import type { Command } from 'commander';
import { mergeClassOutputs } from '../runner/merge.ts';

// `dlgrade merge DIR... --out DIR`: joins class-run outputs (the shards of one class) into one folder with a
// gradebook.csv, junit.xml and summary.md for the whole class. Scores are carried over, never recomputed.
export function register(program: Command): void {
  program
    .command('merge')
    .description('join the outputs of class runs (e.g. --shard 1/4 .. 4/4) into one gradebook, JUnit XML and summary')
    .argument('<dirs...>', 'output folders of `dlgrade grade --class` runs')
    .requiredOption('--out <dir>', 'folder for the merged outputs (may be one of the inputs)')
    .action((dirs: string[], o: { out: string }) => {
      const m = mergeClassOutputs(dirs, o.out);
      const rel = (f: string) => path.relative(process.cwd(), f) || '.';
      console.log(`merged ${m.students.length} student${m.students.length === 1 ? '' : 's'} from ${dirs.length} folder${dirs.length === 1 ? '' : 's'}`);
      console.log(`wrote ${rel(m.files.gradebook)}, ${rel(m.files.junit)} and ${rel(m.files.summary)}`);
    });
}
