import type { Command } from 'commander';

// Placeholder until the issue that owns this verb lands it.
export function register(program: Command): void {
  program
    .command('grade')
    .description('(not implemented yet)')
    .action(() => {
      throw new Error('dlgrade grade is not implemented yet');
    });
}
