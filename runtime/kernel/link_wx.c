/* Linked only into images whose uk.yaml says allow_wx: true (uk build
 * keeps this anchor, see man 5 uk.yaml): then memory may be writable and
 * executable at once. Without it mmap and mprotect refuse PROT_WRITE |
 * PROT_EXEC with EACCES (W^X), as Linux does under SELinux's execmem. The
 * choice travels in the image, so it holds however the image is booted. */
const char uk_link_wx[1] = {1};
