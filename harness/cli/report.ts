import type { Command } from 'commander';
import { writeReport } from '../report/report.ts';
import type { Audience } from '../report/view-model.ts';

interface ReportFlags {
  results: string;
  out: string;
  assignment?: string;
  student?: string;
  audience?: string;
  title?: string;
}

// `dlgrade report`: renders stored grading results (every dlgrade.json below --results) as a class report,
// or one student's report with --student; PDF through a local Chromium/Chrome, HTML otherwise.
export function register(program: Command): void {
  program
    .command('report')
    .description('render grading results (dlgrade.json files) as a class or student report, HTML or PDF')
    .requiredOption('--results <dir>', 'folder with dlgrade.json files at any depth (the --out of dlgrade grade)')
    .requiredOption('--out <file>', 'output file, .pdf or .html')
    .option('--assignment <id>', 'only this assignment')
    .option('--student <name>', "one student's report (their pages only) instead of the class report")
    .option('--audience <who>', 'instructor (everything) or student (hidden tests without details); default: student with --student, else instructor')
    .option('--title <text>', 'document title')
    .addHelpText('after', '\nExamples:\n  dlgrade report --results reports --out reports/class-report.pdf\n  dlgrade report --results reports --student ada-okafor --out ada.html')
    .action(async (flags: ReportFlags) => {
      if (flags.audience !== undefined && flags.audience !== 'instructor' && flags.audience !== 'student') {
        throw new Error(`--audience ${flags.audience}: expected instructor or student`);
      }
      const outcome = await writeReport({
        results: flags.results,
        out: flags.out,
        assignment: flags.assignment,
        student: flags.student,
        audience: flags.audience as Audience | undefined,
        title: flags.title,
      });
      const s = (outcome.timings.totalMs / 1000).toFixed(1);
      console.log(
        `dlgrade report: wrote ${outcome.file} (${outcome.kind} report, ${outcome.students} result${outcome.students === 1 ? '' : 's'} of ${outcome.assignments.join(', ')}, ${outcome.format.toUpperCase()}, ${s} s)`,
      );
      if (outcome.note) console.log(`dlgrade report: ${outcome.note}`);
    });
}
