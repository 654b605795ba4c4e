/* Runs QEMU as a child with the console on our terminal, waits for it (with
 * an optional timeout), and turns how it ended into the guest's status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Waits for pid until deadline (0: none). Returns its wait status; sets
 * flags in res when it had to be stopped. */
static int wait_child(pid_t pid, double deadline, struct uk_qmp *qmp,
		      struct uk_vm_result *res)
{
	sigset_t set;
	int wstatus = 0, stopping = 0;
	double kill_at = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		int sig;
		pid_t w = waitpid(pid, &wstatus, WNOHANG);

		if (w == pid)
			return wstatus;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			res->interrupted = 1;
			if (!stopping) {
				kill(pid, SIGTERM);
				stopping = 1;
				kill_at = now() + 3;
			}
		}
		if (!stopping && qmp->fd != -2 && uk_qmp_poll(qmp)) {
			res->stalled = 1;
			kill(pid, SIGTERM);
			stopping = 1;
			kill_at = now() + 3;
		}
		if (!stopping && deadline > 0 && now() >= deadline) {
			res->timed_out = 1;
			kill(pid, SIGTERM);
			stopping = 1;
			kill_at = now() + 3;
		}
		if (stopping && now() >= kill_at)
			kill(pid, SIGKILL);
	}
}

static size_t read_status_bytes(const char *path, unsigned char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, cap);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* The relay ends with QEMU, even while it waits to read or to write. */
static void relay_stop(pid_t relay)
{
	if (relay <= 0)
		return;
	kill(relay, SIGKILL);
	while (waitpid(relay, NULL, 0) < 0 && errno == EINTR)
		;
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
	char status_path[] = "/tmp/uk-status.XXXXXX";
	struct uk_qmp qmp;
	struct uk_vm_opts vo;
	char **argv;
	char *qemu, *line, *disk;
	sigset_t block, old;
	pid_t pid, relay = -1;
	int fd, wstatus, qemu_stdin = -1;
	double start;
	unsigned char dbg[64];
	size_t ndbg;

	memset(res, 0, sizeof(*res));
	if (console_setup(o, &vo, &line, &disk, err) != 0) {
		free(line);
		return -1;
	}
	if (uk_qmp_prepare(&qmp) != 0) {
		uk_errorf(err, "cannot create a temporary folder: %s", strerror(errno));
		goto fail_early;
	}
	fd = mkstemp(status_path);
	if (fd < 0) {
		uk_qmp_close(&qmp);
		uk_errorf(err, "cannot create a temporary file: %s", strerror(errno));
		goto fail_early;
	}
	close(fd);
	argv = uk_vm_argv(&vo, status_path, qmp.path);
	qemu = uk_which(argv[0]);
	if (!qemu) {
		uk_errorf(err, "'%s' not found", argv[0]);
		uk_hintf(err, "install QEMU: apt-get install qemu-system-x86 (or set UK_QEMU)");
		uk_vm_argv_free(argv);
		unlink(status_path);
		uk_qmp_close(&qmp);
		goto fail_early;
	}

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	start = now();
	if (o->stdin_null || !isatty(0))
		relay = uk_vm_relay_start(o->stdin_null, &old, &qemu_stdin);
	pid = relay < 0 && (o->stdin_null || !isatty(0)) ? -1 : fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (qemu_stdin >= 0) {
			dup2(qemu_stdin, 0);
			close(qemu_stdin);
		}
		execv(qemu, argv);
		fprintf(stderr, "uk: error: cannot run '%s': %s\n", qemu, strerror(errno));
		_exit(127);
	}
	if (qemu_stdin >= 0)
		close(qemu_stdin);
	if (pid < 0) {
		int e = errno;

		relay_stop(relay);
		sigprocmask(SIG_SETMASK, &old, NULL);
		unlink(status_path);
		uk_qmp_close(&qmp);
		uk_vm_argv_free(argv);
		free(qemu);
		uk_errorf(err, "cannot start QEMU: %s", strerror(e));
		goto fail_early;
	}
	wstatus = wait_child(pid, o->timeout_s ? start + o->timeout_s : 0, &qmp, res);
	relay_stop(relay);
	uk_qmp_close(&qmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	res->seconds = now() - start;
	ndbg = read_status_bytes(status_path, dbg, sizeof(dbg));
	unlink(status_path);
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
	uk_vm_decode_exit(WEXITSTATUS(wstatus), dbg, ndbg, res);
	if (res->exited)
		return 0;
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
