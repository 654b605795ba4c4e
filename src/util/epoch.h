/* Reproducible builds: the time stamp written into archives and images. */
#ifndef UK_UTIL_EPOCH_H
#define UK_UTIL_EPOCH_H

/* $SOURCE_DATE_EPOCH when it is a whole number of seconds >= 0, else 0:
 * never the clock, so the same inputs give the same bytes. */
long long uk_source_date_epoch(void);

#endif
