/**
 * `fedimpute completion bash|zsh|fish`: a completion script for the shell (commands, options, their fixed
 * values, service slugs from the registry and parent ids from the store, the last two asked at TAB time).
 */
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { examples, type RawOptions, type Registration } from './options.js';

export interface CompletionOptions {
  shell: string;
  /** the program with every command registered (cli.ts registers them all for `completion`) */
  program: Command;
}

export const registerCompletion: Registration = (program, register) => {
  const command = program
    .command('completion')
    .description('print a shell completion script (commands, options, service slugs, parent ids)')
    .argument('<shell>', 'bash, zsh or fish');
  examples(command, [
    ['echo \'eval "$(fedimpute completion bash)"\' >> ~/.bashrc', 'bash: complete in every new shell'],
    ['echo \'eval "$(fedimpute completion zsh)"\' >> ~/.zshrc', 'zsh'],
    ['fedimpute completion fish > ~/.config/fish/completions/fedimpute.fish', 'fish'],
  ]);
  command.action(register((_raw: RawOptions, [shell]: string[]): CompletionOptions => ({ shell, program }), async () => runCompletion));
};

export async function runCompletion(options: CompletionOptions, context: Context): Promise<number> {
  const { SHELLS, completionScript } = await import('../completion/script.js');
  const shell = SHELLS.find((candidate) => candidate === options.shell);
  if (!shell) throw new UsageError(`no completion for shell '${options.shell}'`, { hint: `use one of ${SHELLS.join(', ')}, e.g. fedimpute completion bash` });
  context.stdout.write(completionScript(shell, options.program));
  return EXIT.ok;
}
