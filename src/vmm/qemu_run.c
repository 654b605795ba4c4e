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

int uk_vm_run(const struct uk_vm_opts *o, struct uk_vm_result *res, struct uk_error *err)
{
	char status_path[] = "/tmp/uk-status.XXXXXX";
	struct uk_qmp qmp;
	char **argv;
	char *qemu;
	sigset_t block, old;
	pid_t pid;
	int fd, wstatus;
	double start;
	unsigned char dbg[64];
	size_t ndbg;

	memset(res, 0, sizeof(*res));
	if (uk_qmp_prepare(&qmp) != 0)
		return uk_errorf(err, "cannot create a temporary folder: %s", strerror(errno));
	fd = mkstemp(status_path);
	if (fd < 0) {
		uk_qmp_close(&qmp);
		return uk_errorf(err, "cannot create a temporary file: %s", strerror(errno));
	}
	close(fd);
	argv = uk_vm_argv(o, status_path, qmp.path);
	qemu = uk_which(argv[0]);
	if (!qemu) {
		uk_errorf(err, "'%s' not found", argv[0]);
		uk_hintf(err, "install QEMU: apt-get install qemu-system-x86 (or set UK_QEMU)");
		uk_vm_argv_free(argv);
		unlink(status_path);
		uk_qmp_close(&qmp);
		return -1;
	}

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	start = now();
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (o->stdin_null) {
			int nul = open("/dev/null", O_RDONLY);

			if (nul >= 0) {
				dup2(nul, 0);
				close(nul);
			}
		}
		execv(qemu, argv);
		fprintf(stderr, "uk: error: cannot run '%s': %s\n", qemu, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		unlink(status_path);
		uk_qmp_close(&qmp);
		uk_vm_argv_free(argv);
		free(qemu);
		return uk_errorf(err, "cannot start QEMU: %s", strerror(errno));
	}
	wstatus = wait_child(pid, o->timeout_s ? start + o->timeout_s : 0, &qmp, res);
	uk_qmp_close(&qmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	res->seconds = now() - start;
	ndbg = read_status_bytes(status_path, dbg, sizeof(dbg));
	unlink(status_path);
	uk_vm_argv_free(argv);
	free(qemu);

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
}
