/* Xen's own ELF loader (libxenguest, from Debian's libxen-dev) run on an
 * image without a hypervisor: a dummy xenctrl interface, a PVH (HVM
 * container) domain, and the loader's debug log on stdout, where it names
 * every note it understood. Its last step, checking the guest type against
 * the running hypervisor's capabilities, fails without Xen: the exit
 * status is not the verdict, tests/integration/targets.sh reads the log. */
#include <stdio.h>
#include <xenctrl.h>
#include <xenguest.h>

int main(int argc, char **argv)
{
	xentoollog_logger_stdiostream *log;
	struct xc_dom_image *dom;
	xc_interface *xch;

	if (argc != 2) {
		fprintf(stderr, "usage: xen_elfcheck KERNEL\n");
		return 2;
	}
	log = xtl_createlogger_stdiostream(stdout, XTL_DEBUG, 0);
	xch = xc_interface_open((xentoollog_logger *)log, (xentoollog_logger *)log,
				XC_OPENFLAG_DUMMY);
	if (!xch)
		return 2;
	dom = xc_dom_allocate(xch, "", NULL);
	if (!dom)
		return 2;
	dom->container_type = XC_DOM_HVM_CONTAINER;
	if (xc_dom_kernel_file(dom, argv[1]) != 0)
		return 1;
	return xc_dom_parse_image(dom) != 0;
}
