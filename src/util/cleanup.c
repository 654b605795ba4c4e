/* Removing registered temporary files on SIGINT, SIGTERM and SIGHUP. The
 * handler only reads the slots and calls unlink, sigaction and raise, which
 * are async-signal-safe; slots are claimed and released atomically, so
 * threads may register files too. */
#include "util/cleanup.h"

#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#define SLOTS 256

static const char *slots[SLOTS];
static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction previous[sizeof(sigs) / sizeof(sigs[0])];
static int installed;

static void on_signal(int sig)
{
	size_t i;

	for (i = 0; i < SLOTS; i++) {
		const char *p = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (p)
			unlink(p);
	}
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i] != sig)
			continue;
		if (!(previous[i].sa_flags & SA_SIGINFO) &&
		    previous[i].sa_handler != SIG_DFL &&
		    previous[i].sa_handler != SIG_IGN) {
			previous[i].sa_handler(sig);
			return;
		}
		/* Blocked while this handler runs: delivered, with the old
		 * disposition, as soon as it returns. */
		sigaction(sig, &previous[i], NULL);
		raise(sig);
	}
}

static void install(void)
{
	struct sigaction sa = {0};
	size_t i;

	if (__atomic_exchange_n(&installed, 1, __ATOMIC_ACQ_REL))
		return;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &previous[i]) < 0)
			continue;
		/* A signal the caller of uk ignores (nohup) stays ignored. */
		if (!(previous[i].sa_flags & SA_SIGINFO) &&
		    previous[i].sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int uk_cleanup_add(const char *path)
{
	int i;

	install();
	for (i = 0; i < SLOTS; i++) {
		const char *expected = NULL;

		if (__atomic_compare_exchange_n(&slots[i], &expected, path, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return i;
	}
	return -1;
}

void uk_cleanup_remove(int id)
{
	if (id >= 0 && id < SLOTS)
		__atomic_store_n(&slots[id], NULL, __ATOMIC_RELEASE);
}
