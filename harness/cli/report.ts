import type { Command } from 'commander';
import { writeReport, writeStudentReports } from '../report/report.ts';
import { formatDuration } from '../results/format.ts';
import type { Audience } from '../report/view-model.ts';

interface ReportFlags {
  results: string;
  out?: string;
  perStudent?: string;
  format?: string;
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
    .option('--out <file>', 'output file, .pdf or .html')
    .option('--per-student <dir>', 'also (or only) write one report per student: <dir>/<assignment>/<id>.pdf')
    .option('--format <pdf|html>', 'format of the --per-student files (default pdf)')
    .option('--assignment <id>', 'only this assignment')
    .option('--student <name>', "one student's report (their pages only) instead of the class report; the name, or the student's id (their output folder)")
    .option('--audience <who>', 'instructor (everything) or student (hidden tests without details); default: student with --student, else instructor')
    .option('--title <text>', 'document title')
    .addHelpText('after', '\nExamples:\n  dlgrade report --results reports --out reports/class-report.pdf\n  dlgrade report --results reports --student ada-okafor --out ada.html\n  dlgrade report --results reports --per-student reports/students')
    .action(async (flags: ReportFlags) => {
      if (flags.audience !== undefined && flags.audience !== 'instructor' && flags.audience !== 'student') {
        throw new Error(`--audience ${flags.audience}: expected instructor or student`);
      }
      if (!flags.out && !flags.perStudent) throw new Error('give --out FILE (.pdf or .html) and/or --per-student DIR');
      if (flags.format !== undefined && flags.format !== 'pdf' && flags.format !== 'html') {
        throw new Error(`--format ${flags.format}: expected pdf or html`);
      }
      if (flags.perStudent) {
        const each = await writeStudentReports({
          results: flags.results,
          dir: flags.perStudent,
          format: (flags.format ?? 'pdf') as 'pdf' | 'html',
          assignment: flags.assignment,
          audience: flags.audience as Audience | undefined,
        });
        console.log(`dlgrade report: wrote ${each.files.length} student reports (${each.format.toUpperCase()}) below ${flags.perStudent} in ${formatDuration(each.totalMs)}`);
        if (each.note) console.log(`dlgrade report: ${each.note}`);
      }
      if (!flags.out) return;
      const outcome = await writeReport({
        results: flags.results,
        out: flags.out,
        assignment: flags.assignment,
        student: flags.student,
        audience: flags.audience as Audience | undefined,
        title: flags.title,
      });
      console.log(
        `dlgrade report: wrote ${outcome.file} (${outcome.kind} report, ${outcome.students} result${outcome.students === 1 ? '' : 's'} of ${outcome.assignments.join(', ')}, ${outcome.format.toUpperCase()}, ${formatDuration(outcome.timings.totalMs)})`,
      );
      if (outcome.note) console.log(`dlgrade report: ${outcome.note}`);
    });
}
