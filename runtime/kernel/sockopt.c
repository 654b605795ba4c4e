/* Option values in and out of getsockopt/setsockopt, as Linux copies
 * them for every socket family: out, as much as the caller's room holds
 * (and the length written back); in, EINVAL when shorter than the
 * value, EFAULT without one. SO_RCVTIMEO/SO_SNDTIMEO are struct timeval
 * (Linux's sock_set_timeout: a negative time is no timeout, usec outside
 * 0..999999 EDOM). Linked with the first socket family that uses it. */
#include "socket.h"

#define NS 1000000000ull

struct timeval_ {
	int64_t sec, usec;
};

long uk_sockopt_out(const void *v, uint32_t n, void *val, uint32_t *len)
{
	if (*len > n)
		*len = n;
	uk_memcpy(val, v, *len);
	return 0;
}

long uk_sockopt_int_out(int v, void *val, uint32_t *len)
{
	return uk_sockopt_out(&v, sizeof(v), val, len);
}

long uk_sockopt_in(void *v, uint32_t n, const void *val, uint32_t len)
{
	if (len < n)
		return -EINVAL;
	if (!val)
		return -EFAULT;
	uk_memcpy(v, val, n);
	return 0;
}

long uk_sockopt_timeo_out(uint64_t ns, void *val, uint32_t *len)
{
	struct timeval_ tv = {(int64_t)(ns / NS), (int64_t)(ns % NS / 1000)};
	return uk_sockopt_out(&tv, sizeof(tv), val, len);
}

long uk_sockopt_timeo_in(const void *val, uint32_t len, uint64_t *ns)
{
	struct timeval_ tv;
	long r = uk_sockopt_in(&tv, sizeof(tv), val, len);
	if (r)
		return r;
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	*ns = tv.sec < 0 ? 0 : (uint64_t)tv.sec * NS + (uint64_t)tv.usec * 1000;
	return 0;
}
