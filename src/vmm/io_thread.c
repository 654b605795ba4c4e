/* The threads uk run copies the console with (our input to QEMU, QEMU's
 * output through the symbolizer): threads, not child processes, since a
 * fork per run and a child's exit to wait for cost more than QEMU's own
 * start leaves room for (issue 14). They run with every signal blocked:
 * SIGINT, SIGTERM and SIGCHLD are for the waiting loop, and a write to a
 * closed reader fails with EPIPE instead of killing uk. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "vmm/vmm.h"

int uk_vm_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

int uk_vm_thread_end(pthread_t th, double seconds)
{
	struct timespec until;

	if (seconds > 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)seconds;
		until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(th, NULL, &until) == 0)
			return 0;
	} else if (pthread_join(th, NULL) == 0) {
		return 0;
	}
	/* Still blocked (our output does not drain): it is left to end with
	 * the process. No pthread_cancel: ASan's thread teardown breaks on a
	 * cancelled thread. */
	pthread_detach(th);
	return 1;
}
