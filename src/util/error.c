#include "util/error.h"

#include <stdio.h>
#include <string.h>

int uk_verrorf(struct uk_error *err, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	err->hint[0] = '\0';
	if (err->status == 0)
		err->status = 1;
	return -1;
}

int uk_errorf(struct uk_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uk_verrorf(err, fmt, ap);
	va_end(ap);
	return -1;
}

int uk_hintf(struct uk_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return -1;
}

int uk_error_wrap(struct uk_error *err, const char *fmt, ...)
{
	char joined[2 * UK_ERR_MSG_MAX];
	size_t n;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(joined, UK_ERR_MSG_MAX, fmt, ap);
	va_end(ap);
	n = strlen(joined);
	snprintf(joined + n, sizeof(joined) - n, ": %s", err->msg);
	/* Keep the end of an over-long message cut, not the prefix. */
	joined[UK_ERR_MSG_MAX - 1] = '\0';
	memcpy(err->msg, joined, UK_ERR_MSG_MAX);
	return -1;
}

void uk_error_clear(struct uk_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}
