/* The generated /etc files, through the C library: the user and group of
 * uid 0, localhost from /etc/hosts. */
#include <arpa/inet.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct passwd *pw = getpwuid(0);
	printf("getpwuid(0): %s uid %d gid %d\n", pw ? pw->pw_name : "none", pw ? (int)pw->pw_uid : -1,
	       pw ? (int)pw->pw_gid : -1);
	pw = getpwnam("root");
	printf("getpwnam(root): uid %d\n", pw ? (int)pw->pw_uid : -1);
	printf("getpwnam(nosuchuser): %s\n", getpwnam("nosuchuser") ? "found" : "none");
	struct group *gr = getgrgid(0);
	printf("getgrgid(0): %s\n", gr ? gr->gr_name : "none");
	struct hostent *h = gethostbyname("localhost");
	if (h && h->h_addrtype == AF_INET)
		printf("gethostbyname(localhost): %s\n", inet_ntoa(*(struct in_addr *)h->h_addr_list[0]));
	else
		printf("gethostbyname(localhost): none\n");
	printf("access /etc/passwd: %d, /etc/group: %d, /etc/hosts: %d, /etc/resolv.conf: %d\n",
	       access("/etc/passwd", R_OK), access("/etc/group", R_OK), access("/etc/hosts", R_OK),
	       access("/etc/resolv.conf", R_OK));
	return 0;
}
