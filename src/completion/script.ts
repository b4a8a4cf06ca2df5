/**
 * Shell completion scripts, written from the registered commands themselves (names, options, which take a
 * value) so that they cannot drift from the command line. What changes between two TABs — service slugs
 * in the registry, parent ids in the store — is asked at TAB time from `fedimpute __complete services|parents`,
 * which takes the fast path (no commander, no yaml, no zod; see completion/values.ts).
 */
import type { Command } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface CommandSpec {
  /** "services check" for a subcommand */
  name: string;
  description: string;
  /** long flags, e.g. --services */
  flags: string[];
  /** flags that take a value */
  valued: string[];
  /** what its operands are */
  operands: 'parent' | 'service' | 'files' | 'shell' | 'none' | 'subcommand';
}

/** fixed values of options, completed as words */
const CHOICES: Record<string, string> = {
  '--build': 'hg19 hg38',
  '--mode': 'imputation qc-only',
  '--phasing': 'eagle beagle',
  '--status': 'queued running completed failed canceled',
  '--format': 'vcf plink bgen',
  '--speed': 'fast realistic',
  '--r2-filter': '0 0.001 0.1 0.2 0.3',
  '--ref-allele': 'a1 a2',
};
/** options whose value is a path */
const PATHS = ['--config', '--db', '--out', '--keep', '--dir', '--html', '--from'];
/** options whose value is a service (or a child by its service) */
const SERVICES = ['--services', '--child'];

const PARENT_COMMANDS = new Set(['status', 'watch', 'cancel', 'retry', 'download', 'combine', 'compare']);

export function commandSpecs(program: Command): { globals: string[]; commands: CommandSpec[] } {
  const flagsOf = (command: Command) => command.options.map((option) => option.long).filter((flag): flag is string => Boolean(flag));
  const valuedOf = (command: Command) => command.options.filter((option) => option.required || option.optional).map((option) => option.long!).filter(Boolean);
  const commands: CommandSpec[] = [];
  for (const command of program.commands) {
    const name = command.name();
    const subcommands = command.commands.filter((sub) => sub.name() !== 'help');
    const operands: CommandSpec['operands'] =
      subcommands.length > 0 ? 'subcommand' : PARENT_COMMANDS.has(name) ? 'parent' : name === 'panels' ? 'service' : name === 'completion' ? 'shell' : command.registeredArguments.length > 0 ? 'files' : 'none';
    commands.push({ name, description: command.description(), flags: flagsOf(command), valued: valuedOf(command), operands });
    for (const sub of subcommands) {
      commands.push({ name: `${name} ${sub.name()}`, description: sub.description(), flags: flagsOf(sub), valued: valuedOf(sub), operands: sub.name() === 'check' ? 'service' : 'none' });
    }
  }
  return { globals: [...flagsOf(program), '--help'], commands };
}

export function completionScript(shell: Shell, program: Command): string {
  const spec = commandSpecs(program);
  return shell === 'fish' ? fishScript(spec) : bashScript(spec, shell === 'zsh');
}

function bashScript({ globals, commands }: ReturnType<typeof commandSpecs>, zsh: boolean): string {
  const top = commands.filter((command) => !command.name.includes(' '));
  const optionCases = commands.map((command) => `      ${JSON.stringify(command.name)}) opts=${JSON.stringify(command.flags.join(' '))};;`).join('\n');
  const operandCases = commands
    .filter((command) => command.operands !== 'none')
    .map((command) => {
      const words =
        command.operands === 'parent'
          ? 'COMPREPLY=($(compgen -W "last $(fedimpute __complete parents 2>/dev/null | cut -f1)" -- "$cur"))'
          : command.operands === 'service'
            ? 'COMPREPLY=($(compgen -W "$(fedimpute __complete services 2>/dev/null | cut -f1)" -- "$cur"))'
            : command.operands === 'shell'
              ? 'COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur"))'
              : command.operands === 'subcommand'
                ? `COMPREPLY=($(compgen -W ${JSON.stringify(commands.filter((sub) => sub.name.startsWith(`${command.name} `)).map((sub) => sub.name.split(' ')[1]).join(' '))} -- "$cur"))`
                : 'COMPREPLY=($(compgen -f -- "$cur"))';
      return `      ${JSON.stringify(command.name)}) ${words};;`;
    })
    .join('\n');
  const choiceCases = Object.entries(CHOICES)
    .map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W ${JSON.stringify(values)} -- "$cur")); return;;`)
    .join('\n');
  const valued = [...new Set(commands.flatMap((command) => command.valued))].filter((flag) => !(flag in CHOICES) && !PATHS.includes(flag) && !SERVICES.includes(flag));
  return `# fedimpute completion for ${zsh ? 'zsh' : 'bash'}: add to ${zsh ? '~/.zshrc' : '~/.bashrc'}
#   eval "$(fedimpute completion ${zsh ? 'zsh' : 'bash'})"
${zsh ? 'autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n' : ''}_fedimpute() {
  local cur prev cmd opts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      --config|--db) ((i++));;
      -*) ;;
      *) if [[ -z "$cmd" ]]; then cmd="\${COMP_WORDS[i]}"; elif [[ "$cmd" == services ]]; then cmd="services \${COMP_WORDS[i]}"; break; else break; fi;;
    esac
  done
  case "$prev" in
${choiceCases}
    ${PATHS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return;;
    ${SERVICES.join('|')}) COMPREPLY=($(compgen -W "$(fedimpute __complete services 2>/dev/null | cut -f1)" -- "$cur")); return;;
    ${valued.length ? `${valued.join('|')}) return;;` : ''}
  esac
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W ${JSON.stringify([...top.map((command) => command.name), ...globals].join(' '))} -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    opts=""
    case "$cmd" in
${optionCases}
    esac
    COMPREPLY=($(compgen -W "$opts ${globals.join(' ')}" -- "$cur"))
    return
  fi
  case "$cmd" in
${operandCases}
  esac
}
complete -o default -F _fedimpute fedimpute
`;
}

function fishScript({ globals, commands }: ReturnType<typeof commandSpecs>): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const top = commands.filter((command) => !command.name.includes(' '));
  const lines = [
    '# fedimpute completion for fish: save as ~/.config/fish/completions/fedimpute.fish',
    '#   fedimpute completion fish > ~/.config/fish/completions/fedimpute.fish',
    'complete -c fedimpute -f',
    ...globals.map((flag) => `complete -c fedimpute -l ${flag.slice(2)}${PATHS.includes(flag) ? ' -r -F' : ''}`),
    ...top.map((command) => `complete -c fedimpute -n __fish_use_subcommand -a ${command.name} -d ${quote(command.description.slice(0, 80))}`),
  ];
  for (const command of commands) {
    const words = command.name.split(' ');
    const condition = words.length > 1 ? `'__fish_seen_subcommand_from ${words[0]}; and __fish_seen_subcommand_from ${words[1]}'` : `'__fish_seen_subcommand_from ${words[0]}'`;
    for (const flag of command.flags) {
      const value = CHOICES[flag]
        ? ` -x -a ${quote(CHOICES[flag])}`
        : SERVICES.includes(flag)
          ? " -x -a '(fedimpute __complete services 2>/dev/null)'"
          : PATHS.includes(flag)
            ? ' -r -F'
            : command.valued.includes(flag)
              ? ' -x'
              : '';
      lines.push(`complete -c fedimpute -n ${condition} -l ${flag.slice(2)}${value}`);
    }
    if (command.operands === 'parent') lines.push(`complete -c fedimpute -n ${condition} -a 'last (fedimpute __complete parents 2>/dev/null)'`);
    if (command.operands === 'service') lines.push(`complete -c fedimpute -n ${condition} -a '(fedimpute __complete services 2>/dev/null)'`);
    if (command.operands === 'shell') lines.push(`complete -c fedimpute -n ${condition} -a 'bash zsh fish'`);
    if (command.operands === 'files') lines.push(`complete -c fedimpute -n ${condition} -F`);
    if (command.operands === 'subcommand') {
      for (const sub of commands.filter((candidate) => candidate.name.startsWith(`${command.name} `))) {
        lines.push(`complete -c fedimpute -n ${condition} -a ${sub.name.split(' ')[1]} -d ${quote(sub.description.slice(0, 80))}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
