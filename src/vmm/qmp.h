/* A watch on QEMU's QMP socket. uk never pauses a VM, so a STOP event means
 * QEMU stopped the guest on its own (a KVM internal error, an emulation
 * failure) and would otherwise wait forever. */
#ifndef UK_VMM_QMP_H
#define UK_VMM_QMP_H

struct uk_qmp {
	char dir[64];   /* private folder holding the socket */
	char path[96];  /* the socket */
	int fd;         /* -1 until connected */
	int greeted;    /* capabilities negotiated */
	char buf[8192];
	unsigned len;
};

/* Makes the socket folder ($XDG_RUNTIME_DIR, /dev/shm or /tmp); the QEMU
 * option is "unix:<path>,server=on,wait=off". */
int uk_qmp_prepare(struct uk_qmp *q);
/* Connects when QEMU is ready (call repeatedly; cheap when not yet). Then
 * reads what QEMU said: returns 1 once a STOP event arrived, 0 otherwise. */
int uk_qmp_poll(struct uk_qmp *q);
/* Asks QEMU to end (QMP "quit"): it exits as at a power-off, restoring
 * the terminal and printing nothing. 0 when asked; -1 when not connected. */
int uk_qmp_quit(struct uk_qmp *q);
void uk_qmp_close(struct uk_qmp *q);

#endif
