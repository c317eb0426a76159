/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check.h - tiny assertion helpers for the util tests. */
#ifndef UTIL_TEST_CHECK_H_
#define UTIL_TEST_CHECK_H_

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			check_failures++;				\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {		\
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\" (%s)\n", \
				__FILE__, __LINE__, a_ ? a_ : "(null)",	\
				b_ ? b_ : "(null)", #a);		\
			check_failures++;				\
		}							\
	} while (0)

#define CHECK_INT(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_) {						\
			fprintf(stderr, "%s:%d: %lld != %lld (%s)\n",	\
				__FILE__, __LINE__, a_, b_, #a);	\
			check_failures++;				\
		}							\
	} while (0)

static inline int check_report(const char *name)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name,
			check_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}

#endif
