import type { CommandNode } from './manifest.js';

// `berth completion bash|zsh|fish`: scripts generated from the command manifest. Each shell walks
// the words typed so far to a command (aliases and hidden commands included, so old spellings
// still complete), then offers that command's subcommands, its argument choices, or its options.
// Aliases and hidden commands are never offered: `berth dep<TAB>` has one answer.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Entry {
  key: string;
  node: CommandNode;
}

/** Every command with its canonical key (`berth deployment show`). */
function entries(root: CommandNode): Entry[] {
  const out: Entry[] = [];
  const walk = (node: CommandNode, key: string) => {
    out.push({ key, node });
    for (const child of node.commands) walk(child, `${key} ${child.name}`);
  };
  walk(root, 'berth');
  return out;
}

/** The typed word after `key` that leads to each child: its name and its aliases. */
function transitions(list: Entry[]): { from: string; words: string[]; to: string }[] {
  return list.flatMap(({ key, node }) => node.commands.map((c) => ({ from: key, words: [c.name, ...c.aliases], to: `${key} ${c.name}` })));
}

const visibleChildren = (node: CommandNode) => node.commands.filter((c) => !c.hidden);
const longFlag = (flags: string) => /--[a-z0-9-]+/.exec(flags)?.[0] ?? '';
const takesValue = (flags: string) => /[<[]/.test(flags);
const optionList = (node: CommandNode, root: boolean) => [...node.options.map((o) => ({ flag: longFlag(o.flags), description: o.description, value: takesValue(o.flags) })), { flag: '--help', description: 'show help', value: false }, ...(root ? [{ flag: '--version', description: 'print the version', value: false }] : [])];
const choicesOf = (node: CommandNode) => node.args.flatMap((a) => a.choices ?? []);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const single = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(root: CommandNode): string {
  const list = entries(root);
  const cases = transitions(list).map((t) => `      ${t.words.map((w) => single(`${t.from} ${w}`)).join('|')}) key=${single(t.to)} ;;`);
  const words = list.map(({ key, node }) => {
    const subs = [...visibleChildren(node).map((c) => c.name), ...choicesOf(node)].join(' ');
    const opts = optionList(node, node === root).map((o) => o.flag).join(' ');
    return `    ${single(key)}) subs=${single(subs)}; opts=${single(opts)} ;;`;
  });
  return `# berth completion for bash, generated from its command manifest.
# Load it now: source <(berth completion bash); or save it: berth completion bash > /etc/bash_completion.d/berth
_berth() {
  local cur=\${COMP_WORDS[COMP_CWORD]} key=berth w i subs='' opts=''
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    case "$key $w" in
${cases.join('\n')}
    esac
  done
  case $key in
${words.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n $subs ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F _berth berth
`;
}

function zsh(root: CommandNode): string {
  const list = entries(root);
  const described = (name: string, description: string) => single(`${name.replace(/:/g, '\\:')}:${oneLine(description)}`);
  const cases = transitions(list).map((t) => `      (${t.words.map((w) => single(`${t.from} ${w}`)).join('|')}) key=${single(t.to)} ;;`);
  const arrays = list.map(({ key, node }) => {
    const subs = [...visibleChildren(node).map((c) => described(c.name, c.description)), ...choicesOf(node).map((c) => described(c, c))];
    const opts = optionList(node, node === root).map((o) => described(o.flag, o.description));
    return `    (${single(key)}) subs=(${subs.join(' ')}); opts=(${opts.join(' ')}) ;;`;
  });
  return `#compdef berth
# berth completion for zsh, generated from its command manifest.
# Load it now: source <(berth completion zsh); or save it as _berth in a directory of $fpath.
_berth() {
  local key=berth w i
  local -a subs opts
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    case "$key $w" in
${cases.join('\n')}
    esac
  done
  case $key in
${arrays.join('\n')}
  esac
  if [[ \${words[CURRENT]} == -* ]]; then
    _describe -t options 'option' opts
  elif (( \${#subs} )); then
    _describe -t commands 'command' subs
  else
    _files
  fi
}
if [[ \${funcstack[1]} == _berth ]]; then
  _berth "$@"
else
  compdef _berth berth
fi
`;
}

function fish(root: CommandNode): string {
  const list = entries(root);
  const fishQuote = (s: string) => `'${oneLine(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const cases = transitions(list).map((t) => `      case ${t.words.map((w) => fishQuote(`${t.from} ${w}`)).join(' ')}\n        set key ${fishQuote(t.to)}`);
  const lines = list.flatMap(({ key, node }) => {
    const when = `-n ${fishQuote(`test (__berth_command) = ${JSON.stringify(key)}`)}`;
    return [
      ...visibleChildren(node).map((c) => `complete -c berth ${when} -a ${fishQuote(c.name)} -d ${fishQuote(c.description)}`),
      ...choicesOf(node).map((c) => `complete -c berth ${when} -a ${fishQuote(c)}`),
      ...optionList(node, node === root).map((o) => `complete -c berth ${when} -l ${o.flag.slice(2)}${o.value ? ' -r' : ''} -d ${fishQuote(o.description)}`),
    ];
  });
  return `# berth completion for fish, generated from its command manifest.
# Load it now: berth completion fish | source; or save it: berth completion fish > ~/.config/fish/completions/berth.fish
function __berth_command
  set -l key berth
  set -l typed (commandline -opc)
  set -e typed[1]
  for w in $typed
    switch "$key $w"
${cases.join('\n')}
    end
  end
  echo $key
end
complete -c berth -f
${lines.join('\n')}
`;
}

/** The completion script of `shell` for the commands of `root`. */
export function completionScript(shell: Shell, root: CommandNode): string {
  return shell === 'bash' ? bash(root) : shell === 'zsh' ? zsh(root) : fish(root);
}
