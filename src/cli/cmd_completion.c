/* uk completion bash|zsh: a completion script for the shell. It asks uk
 * itself at completion time (uk --help, uk CMD --help), so it never goes
 * stale when commands or options change. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = "uk completion bash|zsh";

static const char bash_script[] =
	"# uk(1) completion for bash: eval \"$(uk completion bash)\"\n"
	"_uk() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-} words\n"
	"\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	"\t\twords=\"$(uk --help 2>/dev/null | awk '/^commands:/ { on = 1; next }"
	" on && /^  [a-z]/ { print $1 }') help\"\n"
	"\telif [ \"$cmd\" = help ] && [ \"$COMP_CWORD\" -eq 2 ]; then\n"
	"\t\twords=$(uk --help 2>/dev/null | awk '/^commands:/ { on = 1; next }"
	" on && /^  [a-z]/ { print $1 }')\n"
	"\telif [[ $cur == -* ]]; then\n"
	"\t\twords=$(uk \"$cmd\" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)\n"
	"\telse\n"
	"\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	"}\n"
	"complete -o filenames -F _uk uk\n";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Prints a completion script for bash or zsh on stdout. Load it with\n"
	       "  eval \"$(uk completion bash)\"   (in ~/.bashrc)\n"
	       "  eval \"$(uk completion zsh)\"    (in ~/.zshrc)\n"
	       "It completes commands, each command's options and file names.\n",
	       usage);
}

int cmd_completion(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error(usage, argc < 2 ? "name a shell: bash or zsh"
						       : "unexpected argument '%s'", argv[2]);
	if (!strcmp(argv[1], "bash")) {
		fputs(bash_script, stdout);
		return UK_EXIT_OK;
	}
	if (!strcmp(argv[1], "zsh")) {
		/* zsh runs bash completion functions through bashcompinit */
		fputs("# uk(1) completion for zsh: eval \"$(uk completion zsh)\"\n"
		      "autoload -U +X compinit && compinit\n"
		      "autoload -U +X bashcompinit && bashcompinit\n",
		      stdout);
		fputs(bash_script, stdout);
		return UK_EXIT_OK;
	}
	return cli_usage_error(usage, "unknown shell '%s': bash or zsh", argv[1]);
}
