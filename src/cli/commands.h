/* One function per command, each in its own cmd_<name>.c. */
#ifndef UK_CLI_COMMANDS_H
#define UK_CLI_COMMANDS_H

int cmd_build(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_pkg(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
