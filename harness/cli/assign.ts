import path from 'node:path';
import type { Command } from 'commander';
import { assignmentIds, sourcesOf } from '../assign/sources.ts';
import { loadManifest, stageSubmission, writePatch } from '../assign/fixtures.ts';

// `dlgrade assign`: what a course hands out, generated from the assignment's one source (the reference with its
// solution regions): `--out DIR` writes the student bundle, the Gradescope autograder zip and the GitHub
// Classroom template; `--stage` writes one submission (reference, starter or a fixture) to look at or edit;
// `--patch` writes a fixture's patch from an edited copy of the reference.
export function register(program: Command): void {
  program
    .command('assign')
    .description('hand out an assignment: the student bundle, the Gradescope autograder and the GitHub Classroom template (--out), or stage one submission (--stage)')
    .argument('<assignment>', `assignment id (${assignmentIds().join(', ') || 'none yet'}) or folder`)
    .option('--out <dir>', 'output folder (student/, gradescope/autograder.zip, classroom/; with --stage: the submission folder)')
    .option('--stage <which>', 'write one submission as a student would submit it: reference, starter, or a fixture of the manifest')
    .option('--patch <fixture>', "write fixtures/submissions/<id>/<fixture>.patch from --from, an edited copy of the reference's folder")
    .option('--from <dir>', 'with --patch: the edited copy of reference/<id>')
    .action(async (id: string, o: { out?: string; stage?: string; patch?: string; from?: string }) => {
      const src = sourcesOf(id);
      if (o.patch) {
        if (!o.from) throw new Error('--patch needs --from <dir>, an edited copy of the reference folder');
        const file = path.join(src.fixturesDir, `${o.patch}.patch`);
        const { files } = writePatch(src, o.from, file);
        const listed = loadManifest(src).fixtures.some((f) => f.name === o.patch);
        console.log(`wrote ${path.relative(process.cwd(), file)} (${files.join(', ')})${listed ? '' : `; add "${o.patch}" to ${path.relative(process.cwd(), loadManifest(src).file)} with the score it must get`}`);
        return;
      }
      if (!o.out) throw new Error('dlgrade assign needs --out <dir>');
      if (o.stage) {
        const files = stageSubmission(src, o.stage, o.out);
        console.log(`wrote the ${o.stage} of ${src.id} to ${o.out} (${files.length} files)`);
        return;
      }
      const { handOut } = await import('../assign/hand-out.ts');
      await handOut(src, path.resolve(o.out));
    });
}
