import type { ClassificationReport, ClassScores } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// G.3 The report as classification_report(..., digits=3) prints it, character for character:
//
//               precision    recall  f1-score   support
//
//     airplane      0.621     0.581     0.600        31
//   ...
//     accuracy                          0.613       300
//    macro avg      0.611     0.610     0.609       300
// weighted avg      0.616     0.613     0.613       300

/** Python's format(x, f'.{digits}f'): the exact binary value rounded half to even (toFixed rounds ties up). */
export function pythonFixed(x: number, digits: number): string {
  // BEGIN SOLUTION
  const rounded = x.toFixed(digits);
  // Every double below 1e21 has a finite decimal expansion; 100 digits hold it for the ratios printed here.
  const exact = x.toFixed(100);
  const cut = exact.indexOf('.') + 1 + digits;
  const tie = /^50*$/.test(exact.slice(cut));
  if (!tie) return rounded;
  const down = exact.slice(0, digits === 0 ? cut - 1 : cut);
  const lastDigit = Number(down.at(-1));
  return lastDigit % 2 === 0 ? down : rounded;
  // END SOLUTION
  // STARTER: return todo('G.3: pythonFixed (rounding half to even)');
}

/////////////////////////////////////////////////////////////////////////////
//                                 G.3                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
export function formatClassificationReport(report: ClassificationReport, digits = 3): string {
  // BEGIN SOLUTION
  const width = Math.max(...report.classes.map((c) => c.name.length), 'weighted avg'.length, digits);
  const col = (s: string) => ' ' + s.padStart(9);
  const line = (heading: string, s: ClassScores) =>
    heading.padStart(width) + ' ' + [s.precision, s.recall, s.f1].map((v) => col(pythonFixed(v, digits))).join('') + col(String(s.support)) + '\n';
  let text = ' '.repeat(width) + ' ' + ['precision', 'recall', 'f1-score', 'support'].map(col).join('') + '\n\n';
  for (const c of report.classes) text += line(c.name, c);
  text += '\n';
  const total = report.macroAvg.support;
  text += 'accuracy'.padStart(width) + ' ' + col('') + col('') + col(pythonFixed(report.accuracy, digits)) + col(String(total)) + '\n';
  text += line('macro avg', report.macroAvg);
  text += line('weighted avg', report.weightedAvg);
  return text;
  // END SOLUTION
  // STARTER: return todo(`G.3: formatClassificationReport with ${digits} digits`);
}
