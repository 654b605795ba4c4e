/* What the files of /proc say, in Linux's layout. */
#include <uk/cmdline.h>

#include "cpu.h"
#include "procfs.h"
#include "vfs_impl.h"

void uk_text_put(struct uk_text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, t->pos++)
		if (t->pos >= t->off && t->pos - t->off < t->n)
			t->out[t->pos - t->off] = s[i];
}

void uk_text_str(struct uk_text *t, const char *s)
{
	uk_text_put(t, s, uk_strlen(s));
}

void uk_text_num(struct uk_text *t, uint64_t v, unsigned width)
{
	char b[24];
	unsigned i = sizeof(b);
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10));
	while (sizeof(b) - i < width && i)
		b[--i] = ' ';
	uk_text_put(t, b + i, sizeof(b) - i);
}

/* "Name:" padded to 16 columns, the value in kB in 8 (fs/proc/meminfo.c) */
static void kb(struct uk_text *t, const char *name, uint64_t bytes)
{
	uk_text_str(t, name);
	for (size_t n = uk_strlen(name); n < 16; n++)
		uk_text_put(t, " ", 1);
	uk_text_num(t, bytes >> 10, 8);
	uk_text_str(t, " kB\n");
}

void uk_proc_meminfo(struct uk_text *t)
{
	uint64_t total = 0, free = uk_pmem_free_bytes();
	for (unsigned i = 0; i < uk_ram_count; i++)
		total += uk_ram[i].end - uk_ram[i].start;
	kb(t, "MemTotal:", total);
	kb(t, "MemFree:", free);
	kb(t, "MemAvailable:", free);
	kb(t, "Buffers:", 0);
	kb(t, "Cached:", 0);
	kb(t, "SwapTotal:", 0);
	kb(t, "SwapFree:", 0);
}

/* The names of CPUID feature bits as Linux prints them, one string per
 * register, bit 0 first; "-" for bits it does not show. */
static const struct {
	uint32_t leaf;
	unsigned reg; /* 1 ebx, 2 ecx, 3 edx */
	const char *names;
} flag_regs[] = {
	{1, 3, "fpu vme de pse tsc msr pae mce cx8 apic - sep mtrr pge mca cmov pat pse36 pn "
	       "clflush - dts acpi mmx fxsr sse sse2 ss ht tm ia64 pbe"},
	{1, 2, "pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 cid sdbg fma cx16 "
	       "xtpr pdcm - pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes "
	       "xsave - avx f16c rdrand hypervisor"},
	{0x80000001, 3, "- - - - - - - - - - - syscall - - - - - - - - nx - mmxext - - fxsr_opt "
			"pdpe1gb rdtscp - lm 3dnowext 3dnow"},
	{0x80000001, 2, "lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse "
			"3dnowprefetch osvw ibs xop skinit wdt - lwp fma4 - - - - tbm topoext"},
	{7, 1, "fsgsbase tsc_adjust - bmi1 hle avx2 - smep bmi2 erms invpcid rtm - - mpx - "
	       "avx512f avx512dq rdseed adx smap avx512ifma - clflushopt clwb - avx512pf "
	       "avx512er avx512cd sha_ni avx512bw avx512vl"},
	{7, 2, "- avx512vbmi umip pku ospke - avx512_vbmi2 - gfni vaes vpclmulqdq avx512_vnni "
	       "avx512_bitalg - avx512_vpopcntdq - - - - - - rdpid"},
};

static void flags(struct uk_text *t, uint32_t max, uint32_t max_ext)
{
	uk_text_str(t, "flags\t\t:");
	for (unsigned i = 0; i < ARRAY_SIZE(flag_regs); i++) {
		uint32_t leaf = flag_regs[i].leaf, r[4];
		if (leaf < 0x80000000u ? leaf > max : leaf > max_ext)
			continue;
		cpuid(leaf, 0, r);
		const char *s = flag_regs[i].names;
		for (unsigned bit = 0; *s && bit < 32; bit++) {
			const char *e = s;
			while (*e && *e != ' ')
				e++;
			if (!(s[0] == '-' && e == s + 1) && ((r[flag_regs[i].reg] >> bit) & 1)) {
				uk_text_put(t, " ", 1);
				uk_text_put(t, s, (size_t)(e - s));
			}
			s = *e ? e + 1 : e;
		}
	}
	uk_text_str(t, "\n");
}

static void field(struct uk_text *t, const char *name, uint64_t v)
{
	uk_text_str(t, name);
	uk_text_num(t, v, 0);
	uk_text_str(t, "\n");
}

void uk_proc_cpuinfo(struct uk_text *t)
{
	uint32_t r[4], ext[4], sig[4];
	char vendor[13], model[49];
	cpuid(0, 0, r);
	uk_memcpy(vendor, &r[1], 4);
	uk_memcpy(vendor + 4, &r[3], 4);
	uk_memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	uint32_t max = r[0];
	cpuid(0x80000000u, 0, ext);
	uint32_t max_ext = ext[0] >= 0x80000000u ? ext[0] : 0;
	cpuid(1, 0, sig);
	uint32_t fam = (sig[0] >> 8) & 0xf, mod = (sig[0] >> 4) & 0xf;
	if (fam == 0xf)
		fam += (sig[0] >> 20) & 0xff;
	if (fam >= 6)
		mod |= ((sig[0] >> 16) & 0xf) << 4;
	model[0] = 0;
	if (max_ext >= 0x80000004u) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002u + i, 0, r);
			uk_memcpy(model + 16 * i, r, 16);
		}
		model[48] = 0;
	}
	const char *m = model;
	while (*m == ' ')
		m++;
	uk_text_str(t, "processor\t: 0\nvendor_id\t: ");
	uk_text_str(t, vendor);
	field(t, "\ncpu family\t: ", fam);
	field(t, "model\t\t: ", mod);
	uk_text_str(t, "model name\t: ");
	uk_text_str(t, *m ? m : "unknown");
	field(t, "\nstepping\t: ", sig[0] & 0xf);
	uint64_t khz = uk_tsc_hz() / 1000;
	uk_text_str(t, "cpu MHz\t\t: ");
	uk_text_num(t, khz / 1000, 0);
	unsigned frac = (unsigned)(khz % 1000);
	const char dec[4] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
			     (char)('0' + frac % 10)};
	uk_text_put(t, dec, 4);
	uk_text_str(t, "\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
		       "apicid\t\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: ");
	uk_text_num(t, max, 0);
	uk_text_str(t, "\nwp\t\t: yes\n");
	flags(t, max, max_ext);
	uk_text_str(t, "\n");
}

static const char *fs_type(const struct uk_fs *fs, const char *path)
{
	switch (fs->magic) {
	case UK_IMAGEFS_FS_MAGIC:
		return "imagefs";
	case UK_PROC_MAGIC:
		return "proc";
	case 0x01021997: /* V9FS_MAGIC: a host folder (uk run -v) */
		return "9p";
	case UK_TMPFS_MAGIC:
		return uk_streq(path, "/dev") ? "devtmpfs" : "tmpfs";
	default:
		return "unknown";
	}
}

/* "SOURCE PATH TYPE OPTIONS 0 0", oldest first; the root once. */
void uk_proc_mounts(struct uk_text *t)
{
	struct uk_fs *list[32];
	unsigned n = 0;
	for (struct uk_fs *fs = uk_vfs_mounts; fs && n < ARRAY_SIZE(list); fs = fs->next)
		if (fs->covered || fs->root == uk_vfs_root())
			list[n++] = fs;
	char *path = uk_path_buf();
	if (!path)
		return;
	while (n--) {
		struct uk_fs *fs = list[n];
		long len = fs->covered ? uk_vfs_path(fs->covered, path, UK_PATH_MAX) : 1;
		if (len <= 0)
			continue;
		if (!fs->covered)
			path[0] = '/';
		path[len] = 0;
		const char *type = fs_type(fs, path);
		uk_text_str(t, type);
		uk_text_put(t, " ", 1);
		uk_text_str(t, path);
		uk_text_put(t, " ", 1);
		uk_text_str(t, type);
		uk_text_str(t, fs->flags & UK_MNT_RDONLY ? " ro 0 0\n" : " rw 0 0\n");
	}
	uk_path_buf_free(path);
}

/* argv as the program got it, each string with its NUL */
void uk_proc_cmdline(struct uk_text *t)
{
	uk_text_put(t, uk_opt.name, uk_strlen(uk_opt.name) + 1);
	for (const char *w = 0; (w = uk_cmdline_next(w, 'a'));)
		uk_text_put(t, w, uk_strlen(w) + 1);
}

void uk_proc_comm(struct uk_text *t)
{
	size_t n = uk_strlen(uk_opt.name);
	uk_text_put(t, uk_opt.name, n < 15 ? n : 15); /* TASK_COMM_LEN - 1 */
	uk_text_put(t, "\n", 1);
}

static void kind_ino(struct uk_text *t, const char *kind, uint64_t ino)
{
	uk_text_str(t, kind);
	uk_text_num(t, ino, 0);
	uk_text_put(t, "]", 1);
}

/* One entry a readdir call gives: taken, then the next refused. */
struct one {
	char name[UK_NAME_MAX + 1];
	uint64_t ino;
	unsigned type;
	int got;
};

static int take_one(void *ctx, const char *name, uint64_t ino, unsigned type)
{
	struct one *o = ctx;
	if (o->got)
		return 1;
	size_t n = uk_strlen(name);
	uk_memcpy(o->name, name, n + 1);
	o->ino = ino;
	o->type = type;
	o->got = 1;
	return 0;
}

#define DT_DIR     4
#define MAX_DEPTH  40
#define MAX_VISITS 100000

/* The path of a file that is no directory: nodes do not know their
 * parent, so its file system is searched from its root for the inode
 * (the first name found, a bounded walk), then the root's path goes
 * before it. Length, or -ENOENT. */
static long file_path(struct uk_node *n, char *buf)
{
	struct {
		struct uk_node *dir;
		uint64_t cookie;
		size_t len;
	} stack[MAX_DEPTH];
	long len = uk_vfs_path(n->fs->root, buf, UK_PATH_MAX);
	if (len <= 0)
		return -ENOENT;
	if (len == 1)
		len = 0; /* "/": names follow the slash they add */
	int depth = 0;
	stack[0].dir = uk_node_get(n->fs->root);
	stack[0].cookie = 0;
	stack[0].len = (size_t)len;
	long found = -ENOENT;
	for (unsigned visits = 0; depth >= 0 && visits < MAX_VISITS; visits++) {
		struct uk_node *dir = stack[depth].dir;
		struct one o = {.got = 0};
		if (dir->ops->readdir)
			dir->ops->readdir(dir, &stack[depth].cookie, take_one, &o);
		if (!o.got) {
			uk_node_put(dir);
			depth--;
			continue;
		}
		size_t at = stack[depth].len, k = uk_strlen(o.name);
		if (at + 1 + k >= UK_PATH_MAX)
			continue;
		buf[at] = '/';
		uk_memcpy(buf + at + 1, o.name, k + 1);
		if (o.ino == n->ino && o.type != DT_DIR) {
			found = (long)(at + 1 + k);
			break;
		}
		struct uk_node *child;
		if (o.type == DT_DIR && depth + 1 < MAX_DEPTH &&
		    !dir->ops->lookup(dir, o.name, &child)) {
			depth++;
			stack[depth].dir = child;
			stack[depth].cookie = 0;
			stack[depth].len = at + 1 + k;
		}
	}
	for (; depth >= 0; depth--)
		uk_node_put(stack[depth].dir);
	return found;
}

void uk_proc_fd_target(struct uk_text *t, long fd)
{
	struct uk_file *f = uk_fd_get(fd);
	if (!f)
		return;
	if (f == uk_console_file()) {
		uk_text_str(t, "/dev/console");
		return;
	}
	struct uk_node *n = f->node ? uk_file_node(f) : 0;
	if (n) {
		char *path = uk_path_buf();
		long len = !path ? -ENOMEM
		      : (n->mode & UK_S_IFMT) == UK_S_IFDIR ? uk_vfs_path(n, path, UK_PATH_MAX)
							 : file_path(n, path);
		if (len > 0)
			uk_text_put(t, path, (size_t)len);
		if (path)
			uk_path_buf_free(path);
		if (len > 0)
			return;
	}
	struct uk_stat st;
	uk_memset(&st, 0, sizeof(st));
	if (f->ops->stat)
		f->ops->stat(f, &st);
	switch (st.mode & UK_S_IFMT) {
	case UK_S_IFIFO:
		kind_ino(t, "pipe:[", st.ino);
		break;
	case UK_S_IFSOCK:
		kind_ino(t, "socket:[", st.ino);
		break;
	default:
		if (n) { /* unlinked: Linux says "PATH (deleted)" */
			uk_text_str(t, "/ (deleted)");
			break;
		}
		uk_text_str(t, "anon_inode:[");
		uk_text_str(t, f->ops->anon_name ? f->ops->anon_name : "file");
		uk_text_put(t, "]", 1);
	}
}
