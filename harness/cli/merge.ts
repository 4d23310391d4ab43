import type { Command } from 'commander';

// Placeholder until the issue that owns this verb lands it.
export function register(program: Command): void {
  program
    .command('merge')
    .description('(not implemented yet)')
    .action(() => {
      throw new Error('dlgrade merge is not implemented yet');
    });
}
