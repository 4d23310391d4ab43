import type { Command } from 'commander';

// Placeholder until the issue that owns this verb lands it.
export function register(program: Command): void {
  program
    .command('report')
    .description('(not implemented yet)')
    .action(() => {
      throw new Error('dlgrade report is not implemented yet');
    });
}
