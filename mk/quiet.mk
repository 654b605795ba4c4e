# Included by every Makefile of the project: V=1 shows every command; by
# default one short line a step, `$(call say,WHAT,FILE)` before a command
# and `$(Q)` before one that says nothing.
ifeq ($(V),1)
say =
Q :=
else
say = @printf '  %-7s %s\n' '$(1)' '$(2)';
Q := @
MAKEFLAGS += --no-print-directory
endif
