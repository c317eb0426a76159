// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host identity: the system uuid file that decides the master role.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "famfs_write.h"

static const char *uuid_path(void)
{
	const char *p = getenv(FAMFS_SYSTEM_UUID_ENV);

	return p && *p ? p : FAMFS_SYSTEM_UUID_FILE;
}

static int create_uuid_file(const char *path, uint8_t uuid[16], char *why)
{
	char dir[4096], text[37];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);	/* may exist */
	}
	rc = famfs_uuid_generate(uuid);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "no random uuid: %s", strerror(-rc));
		return rc;
	}
	famfs_uuid_unparse(uuid, text);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, FAMFS_WHY_LEN, "create %s: %s", path,
			 strerror(errno));
		return rc;
	}
	text[36] = '\n';
	if (write(fd, text, 37) != 37) {
		rc = -EIO;
		snprintf(why, FAMFS_WHY_LEN, "write %s failed", path);
		close(fd);
		unlink(path);
		return rc;
	}
	close(fd);
	return 0;
}

int famfs_system_uuid(uint8_t uuid[16], bool create, char *why)
{
	const char *path = uuid_path();
	char text[64] = "";
	FILE *f = fopen(path, "r");

	if (!f) {
		if (errno == ENOENT && create)
			return create_uuid_file(path, uuid, why);
		snprintf(why, FAMFS_WHY_LEN, "system uuid %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	if (famfs_uuid_parse(text, uuid)) {
		snprintf(why, FAMFS_WHY_LEN, "system uuid %s: not a uuid", path);
		return -EINVAL;
	}
	return 0;
}

bool famfs_is_master(const struct famfs_sb *sb)
{
	char why[FAMFS_WHY_LEN];
	uint8_t me[16];

	if (famfs_system_uuid(me, false, why))
		return false;
	return memcmp(me, sb->sys_uuid, 16) == 0;
}
