/* Group fs: path calls and the file systems (link_fs.c). */
#define SYS_FS_LIST(X)
