// DIR/classroom/: a GitHub Classroom template repository: the student bundle plus a workflow that runs the
// visible tests on every push and reports the points to GitHub Classroom (the `dlgrade check --classroom`
// result, read by classroom-resources/autograding-grading-reporter).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const CLASSROOM_WORKFLOW = `name: Autograding Tests
on:
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    # GitHub Classroom reads the points from the check run of this name.
    name: Autograding Tests
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm install --no-audit --no-fund
      # The visible tests (the same as \`npm test\` on a laptop); the result goes to the reporter below.
      - id: dlgrade
        run: npx dlgrade check --classroom
        continue-on-error: true
      - uses: classroom-resources/autograding-grading-reporter@v1
        env:
          DLGRADE_RESULTS: \${{ steps.dlgrade.outputs.result }}
        with:
          runners: dlgrade
`;

/** Copies the student bundle into dir and adds .github/workflows/classroom.yml. */
export function writeClassroomTemplate(studentDir: string, dir: string): string[] {
  cpSync(studentDir, dir, { recursive: true, filter: (s) => !s.split(path.sep).includes('node_modules') });
  const wf = path.join(dir, '.github', 'workflows', 'classroom.yml');
  mkdirSync(path.dirname(wf), { recursive: true });
  writeFileSync(wf, CLASSROOM_WORKFLOW);
  return ['.github/workflows/classroom.yml'];
}
