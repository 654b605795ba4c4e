/* Runs QEMU as a child with the console on our terminal, waits for it (with
 * an optional timeout), and turns how it ended into the guest's status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/path.h"
#include "vmm/qmp.h"
#include "vmm/vmm.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void uk_vm_decode_exit(int qemu_status, const unsigned char *dbg, size_t ndbg,
		       struct uk_vm_result *res)
{
	res->qemu_status = qemu_status;
	res->exited = 0;
	if (ndbg > 0 && (qemu_status & 1)) {
		/* The debugcon byte carries all 8 bits; QEMU's code only 7. */
		res->exited = 1;
		res->status = dbg[ndbg - 1];
	} else if (ndbg == 0 && (qemu_status & 1) && qemu_status > 1) {
		res->exited = 1;
		res->status = qemu_status >> 1;
	}
}

/* The guest's debugcon port (0xe9) goes into a FIFO that uk run drains
 * as it waits, keeping only the last byte: the exit protocol's status is
 * the last byte written before the exit device (uk/exit.h), whatever came
 * before it, and a guest writing without end fills nothing on the host. */
struct status_fifo {
	int fd;
	unsigned char last;
	int seen;
};

static void status_drain(struct status_fifo *sf)
{
	unsigned char buf[4096];
	ssize_t n;

	while (sf->fd >= 0 && (n = read(sf->fd, buf, sizeof(buf))) > 0) {
		sf->last = buf[n - 1];
		sf->seen = 1;
	}
}

/* Ends QEMU: through QMP when it listens (QEMU then quits quietly), else
 * SIGTERM (after which QEMU prints "terminating on signal 15"). */
static void stop(pid_t pid, struct uk_qmp *qmp)
{
	if (uk_qmp_quit(qmp) != 0)
		kill(pid, SIGTERM);
}

/* Waits for pid until deadline (0: none). Returns its wait status; sets
 * flags in res when it had to be stopped. */
static int wait_child(pid_t pid, double deadline, struct uk_qmp *qmp,
		      struct status_fifo *sf, struct uk_vm_result *res, const struct uk_vm_opts *o)
{
	sigset_t set;
	int wstatus = 0, stopping = 0, widened = 0;
	double kill_at = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		int sig;
		pid_t w = waitpid(pid, &wstatus, WNOHANG);

		status_drain(sf);
		if (w == pid)
			return wstatus;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			res->interrupted = 1;
			if (!stopping) {
				stop(pid, qmp);
				stopping = 1;
				kill_at = now() + 3;
			}
		}
		/* under gdb, a stopped VM is gdb's doing */
		if (!stopping && qmp->fd != -2 && uk_qmp_poll(qmp) && !o->gdb_port) {
			res->stalled = 1;
			stop(pid, qmp);
			stopping = 1;
			kill_at = now() + 3;
		}
		if (!widened && qmp->greeted) { /* QEMU's forwards listen by now */
			uk_vm_widen_backlogs(pid, o);
			widened = 1;
		}
		if (!stopping && deadline > 0 && now() >= deadline) {
			res->timed_out = 1;
			stop(pid, qmp);
			stopping = 1;
			kill_at = now() + 3;
		}
		if (stopping && now() >= kill_at)
			kill(pid, SIGKILL);
	}
}

/* A FIFO in the QMP socket's private folder (one folder a run: making and
 * removing a second was a tenth of uk run's own time), open for reading
 * before QEMU opens it to write (so QEMU does not wait for a reader). */
static int status_open(const char *dir, char *path, size_t len, struct status_fifo *sf)
{
	sf->fd = -1;
	sf->seen = 0;
	sf->last = 0;
	snprintf(path, len, "%s/status", dir);
	if (mkfifo(path, 0600) < 0 ||
	    (sf->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* before uk_qmp_close, which removes the folder */
static void status_close(const char *path, struct status_fifo *sf)
{
	if (sf->fd >= 0)
		close(sf->fd);
	sf->fd = -1;
	unlink(path);
}

/* QEMU through posix_spawn (a vfork: no copy of our page tables, which a
 * fork made, a measurable part of uk run's overhead), with our signal mask
 * as it was and the relay's and symbolizer's pipes as its stdin and
 * stdout; the pid, or -1 with errno set (an exec that fails too). */
static pid_t start_qemu(const char *qemu, char **argv, const sigset_t *mask, int in, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid = -1;
	int rc;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&at, mask);
	/* the pipes are close-on-exec; dup2 gives QEMU its copies */
	if (rc == 0 && in >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (rc == 0 && out >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (rc == 0)
		rc = posix_spawn(&pid, qemu, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* The console's options go into the command line; a raw disk carries it,
 * so it boots from a copy (*copy, unlinked by the caller). */
static int console_setup(const struct uk_vm_opts *o, struct uk_vm_opts *vo, char **line,
			 char **copy, struct uk_error *err)
{
	*vo = *o;
	*copy = NULL;
	*line = NULL;
	if (o->is_disk && !o->cmdline)
		return 0; /* what the disk says, as it is */
	*line = uk_vm_console_cmdline(o->cmdline, o->stdin_null);
	vo->cmdline = *line;
	if (o->is_disk) {
		if (uk_vm_disk_copy(o->image, *line, copy, err) != 0)
			return -1;
		vo->image = *copy;
	}
	return 0;
}

int uk_vm_run(const struct uk_vm_opts *o, struct uk_vm_result *res, struct uk_error *err)
{
	char status_path[sizeof(((struct uk_qmp *)0)->dir) + 8];
	struct status_fifo sf = { -1, 0, 0 };
	struct uk_qmp qmp;
	struct uk_vm_opts vo;
	char **argv;
	char *qemu, *line, *disk;
	sigset_t block, old;
	struct uk_vm_relay relay = { .running = 0, .out = -1 };
	struct uk_vm_symbolizer *sym = NULL;
	pid_t pid;
	int wstatus, qemu_stdin = -1, qemu_stdout = -1, relay_failed = 0;
	double start;

	memset(res, 0, sizeof(*res));
	if (console_setup(o, &vo, &line, &disk, err) != 0) {
		free(line);
		return -1;
	}
	if (uk_qmp_prepare(&qmp) != 0) {
		uk_errorf(err, "cannot create a temporary folder: %s", strerror(errno));
		goto fail_early;
	}
	if (status_open(qmp.dir, status_path, sizeof(status_path), &sf) < 0) {
		uk_errorf(err, "cannot create a FIFO in %s: %s", qmp.dir, strerror(errno));
		uk_qmp_close(&qmp);
		goto fail_early;
	}
	argv = uk_vm_argv(&vo, status_path, qmp.path);
	qemu = uk_which(argv[0]);
	if (!qemu) {
		uk_errorf(err, "'%s' not found", argv[0]);
		uk_hintf(err, "install QEMU: apt-get install qemu-system-x86 (or set UK_QEMU)");
		uk_vm_argv_free(argv);
		status_close(status_path, &sf);
		uk_qmp_close(&qmp);
		goto fail_early;
	}
	if (o->command)
		o->command(o->command_ctx, argv);

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	start = now();
	if (o->stdin_null || !isatty(0))
		relay_failed = uk_vm_relay_start(o->stdin_null, &relay, &qemu_stdin) != 0;
	if (o->debug_file)
		sym = uk_vm_symbolizer_start(o->debug_file, o->make_debug, o->make_debug_ctx,
					     &qemu_stdout);
	pid = relay_failed ? -1 : start_qemu(qemu, argv, &old, qemu_stdin, qemu_stdout);
	if (qemu_stdin >= 0)
		close(qemu_stdin);
	if (qemu_stdout >= 0)
		close(qemu_stdout);
	if (pid < 0) {
		int e = errno;

		uk_vm_relay_stop(&relay);
		uk_vm_symbolizer_end(sym);
		sigprocmask(SIG_SETMASK, &old, NULL);
		status_close(status_path, &sf);
		uk_qmp_close(&qmp);
		uk_vm_argv_free(argv);
		free(qemu);
		uk_errorf(err, "cannot start QEMU: %s", strerror(e));
		goto fail_early;
	}
	wstatus = wait_child(pid, o->timeout_s ? start + o->timeout_s : 0, &qmp, &sf, res, o);
	uk_vm_relay_stop(&relay);
	uk_vm_symbolizer_end(sym);
	sigprocmask(SIG_SETMASK, &old, NULL);
	res->seconds = now() - start;
	status_drain(&sf);
	status_close(status_path, &sf);
	uk_qmp_close(&qmp);
	uk_vm_argv_free(argv);
	free(qemu);
	if (disk)
		unlink(disk);
	free(disk);
	free(line);

	if (res->timed_out || res->interrupted)
		return 0;
	if (res->stalled) {
		uk_errorf(err, "QEMU stopped the guest on its own (%s internal error); "
			  "the VM was ended", o->accel == UK_ACCEL_KVM ? "a KVM" : "an");
		uk_hintf(err, "QEMU's register dump is above; 'uk run --accel tcg' may "
			      "boot it where KVM cannot");
		return -1;
	}
	if (!WIFEXITED(wstatus))
		return uk_errorf(err, "QEMU was killed by signal %d", WTERMSIG(wstatus));
	uk_vm_decode_exit(WEXITSTATUS(wstatus), &sf.last, sf.seen ? 1 : 0, res);
	if (res->exited)
		return 0;
	if (WEXITSTATUS(wstatus) == 0 && o->gdb_port)
		return uk_errorf(err, "the guest ended without an exit status (gdb killed it, "
				      "or it reset)");
	if (WEXITSTATUS(wstatus) == 0) {
		uk_errorf(err, "the guest stopped without an exit status (reset or power-off)");
		uk_hintf(err, "a triple fault ends this way; 'uk run --strace' shows the "
			      "guest's last system calls");
		return -1;
	}
	uk_errorf(err, "QEMU failed with exit status %d", WEXITSTATUS(wstatus));
	uk_hintf(err, "QEMU's own message is above");
	return -1;

fail_early:
	if (disk)
		unlink(disk);
	free(disk);
	free(line);
	return -1;
}
