// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writer sessions: the master-only, locked path for mkdir and creat.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "famfs_write.h"

static void ns_report(void *ctx, int level, const char *msg)
{
	if (level == 0)
		fprintf(stderr, "famfs: %s\n", msg);
}

int famfs_wsess_open(struct famfs_wsess *s, const char *dev, bool nonblock,
		     char *why)
{
	char reason[FAMFS_WHY_LEN], me_s[37], sb_s[37];
	const char *seed;
	uint8_t me[16];
	int64_t n;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = famfs_fs_open(dev, true, &s->fs, why);
	if (rc)
		return rc;
	rc = famfs_system_uuid(me, false, reason);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN,
			 "cannot tell the role (%s): only the master may write",
			 reason);
		rc = -EPERM;
		goto fail_fs;
	}
	if (memcmp(me, s->fs.sb.sys_uuid, 16)) {
		famfs_uuid_unparse(me, me_s);
		famfs_uuid_unparse(s->fs.sb.sys_uuid, sb_s);
		snprintf(why, FAMFS_WHY_LEN,
			 "not the master: this host is %s, the master is %s (clients cannot append to the log)",
			 me_s, sb_s);
		rc = -EPERM;
		goto fail_fs;
	}
	rc = famfs_dev_lock(&s->fs.dev, nonblock);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "%s: %s", dev,
			 rc == -EWOULDBLOCK ? "another writer holds the log lock"
					    : strerror(-rc));
		goto fail_fs;
	}
	rc = famfs_ns_init(&s->ns, &s->fs, true, ns_report, NULL);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "out of memory");
		goto fail_fs;
	}
	n = famfs_ns_replay(&s->ns, &s->fs);
	if (n < 0) {
		rc = (int)n;
		snprintf(why, FAMFS_WHY_LEN, "%s: bad log header", dev);
		goto fail_ns;
	}
	if (s->ns.stopped) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log damaged at entry %llu (%s); run fsck, not appending",
			 (unsigned long long)s->ns.next_index, s->ns.stop_why);
		rc = -EUCLEAN;
		goto fail_ns;
	}
	rc = famfs_scan_log(&s->fs, &s->alloc.bm, &(struct famfs_scan){ 0 },
			    NULL, NULL, why);
	if (rc)
		goto fail_ns;
	s->alloc.dev_size = s->fs.sb.dev_size;
	seed = getenv("FAMFS_ALLOC_SEED");
	s->alloc.seed = seed ? (unsigned int)strtoul(seed, NULL, 0) :
			       (unsigned int)time(NULL);
	return 0;
fail_ns:
	famfs_ns_free(&s->ns);
fail_fs:
	famfs_fs_close(&s->fs);
	return rc;
}

void famfs_wsess_close(struct famfs_wsess *s)
{
	famfs_bitmap_free(&s->alloc.bm);
	famfs_ns_free(&s->ns);
	famfs_fs_close(&s->fs);	/* closing the fd drops the flock */
}

/* Canonical relative path: no leading '/', no empty or "." components. */
static int canon(const char *in, char out[FAMFS_RELPATH_LEN], char *why)
{
	size_t o = 0, len;
	const char *p = in, *end;

	while (*p) {
		end = strchrnul(p, '/');
		len = end - p;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			snprintf(why, FAMFS_WHY_LEN, "%s: \"..\" is not allowed", in);
			return -EINVAL;
		}
		if (len && !(len == 1 && p[0] == '.')) {
			if (o + (o ? 1 : 0) + len >= FAMFS_RELPATH_LEN) {
				snprintf(why, FAMFS_WHY_LEN,
					 "%s: longer than %d bytes", in,
					 FAMFS_RELPATH_LEN - 1);
				return -ENAMETOOLONG;
			}
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p = *end ? end + 1 : end;
	}
	out[o] = '\0';
	if (!o) {
		snprintf(why, FAMFS_WHY_LEN, "%s: names the root", in);
		return -EEXIST;
	}
	return 0;
}

static int log_and_apply(struct famfs_wsess *s, struct famfs_entry *e,
			 char *why)
{
	uint64_t idx;
	int64_t n;
	int rc;

	rc = famfs_log_append(&s->fs, e, &idx, why);
	if (rc)
		return rc;
	n = famfs_ns_replay(&s->ns, &s->fs);
	if (n != 1 || s->ns.next_index != idx + 1) {
		snprintf(why, FAMFS_WHY_LEN,
			 "entry %llu was written but does not replay",
			 (unsigned long long)idx);
		return -EIO;
	}
	return 0;
}

static int check_new(struct famfs_wsess *s, const char *path,
		     struct famfs_node **parent, char *why)
{
	char dir[FAMFS_RELPATH_LEN];
	const char *slash = strrchr(path, '/');
	struct famfs_node *p;
	int err = 0;

	if (slash) {
		memcpy(dir, path, slash - path);
		dir[slash - path] = '\0';
	} else {
		dir[0] = '\0';
	}
	p = famfs_ns_resolve(&s->ns, dir, &err);
	if (!p || !S_ISDIR(p->mode)) {
		snprintf(why, FAMFS_WHY_LEN, "%s: parent %s", path,
			 !p ? strerror(err) : "is not a directory");
		return !p ? -err : -ENOTDIR;
	}
	if (famfs_ns_lookup(&s->ns, p->ino, slash ? slash + 1 : path)) {
		snprintf(why, FAMFS_WHY_LEN, "%s: already exists", path);
		return -EEXIST;
	}
	*parent = p;
	return 0;
}

int famfs_wsess_mkdir(struct famfs_wsess *s, const char *in, mode_t mode,
		      uid_t uid, gid_t gid, bool parents, char *why)
{
	char path[FAMFS_RELPATH_LEN], sub[FAMFS_RELPATH_LEN];
	struct famfs_entry e;
	struct famfs_node *p, *n;
	char *c;
	int rc, err;

	rc = canon(in, path, why);
	if (rc)
		return rc == -EEXIST && parents ? 0 : rc;
	/* Each prefix (with -p) or just the path itself. */
	for (c = parents ? path : path + strlen(path); ; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		memcpy(sub, path, c - path);
		sub[c - path] = '\0';
		n = famfs_ns_resolve(&s->ns, sub, &err);
		if (n) {
			if (!S_ISDIR(n->mode)) {
				snprintf(why, FAMFS_WHY_LEN,
					 "%s: exists and is not a directory", sub);
				return -ENOTDIR;
			}
			if (!parents) {
				snprintf(why, FAMFS_WHY_LEN, "%s: already exists",
					 sub);
				return -EEXIST;
			}
		} else {
			rc = check_new(s, sub, &p, why);
			if (rc)
				return rc;
			memset(&e, 0, sizeof(e));
			e.type = FAMFS_LOG_MKDIR;
			e.dir.uid = uid;
			e.dir.gid = gid;
			e.dir.mode = mode & 07777;
			memcpy(e.dir.path, sub, strlen(sub) + 1);
			rc = log_and_apply(s, &e, why);
			if (rc)
				return rc;
		}
		if (*c == '\0')
			return 0;
	}
}

static void release(struct famfs_wsess *s, const struct famfs_layout *l)
{
	unsigned int i;
	uint64_t k, b;

	for (i = 0; i < l->next; i++) {
		b = l->ext[i].offset / FAMFS_ALLOC_UNIT;
		for (k = 0; k < l->ext[i].len / FAMFS_ALLOC_UNIT; k++)
			s->alloc.bm.bits[(b + k) >> 3] &= ~(1u << ((b + k) & 7));
	}
}

int famfs_wsess_creat(struct famfs_wsess *s, const char *in, uint64_t size,
		      mode_t mode, uid_t uid, gid_t gid, famfs_fill_fn fill,
		      void *fill_ctx, struct famfs_node **out, char *why)
{
	char path[FAMFS_RELPATH_LEN], reason[FAMFS_WHY_LEN];
	struct famfs_log_hdr h;
	struct famfs_entry e;
	struct famfs_node *p;
	int rc, err;

	rc = canon(in, path, why);
	if (rc)
		return rc;
	rc = check_new(s, path, &p, why);
	if (rc)
		return rc;
	if (size == 0) {
		snprintf(why, FAMFS_WHY_LEN, "%s: famfs files cannot be empty",
			 path);
		return -EINVAL;
	}
	/* Refuse a full log before allocating anything. */
	rc = famfs_fs_log_hdr(&s->fs, &h, why);
	if (rc)
		return rc;
	if (h.next_index > h.last_index) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log full: all %llu entries used; nothing was written",
			 (unsigned long long)(h.last_index + 1));
		return -ENOSPC;
	}
	memset(&e, 0, sizeof(e));
	e.type = FAMFS_LOG_FILE;
	e.file.flags = FAMFS_FM_ALL_HOSTS_RW;
	e.file.uid = uid;
	e.file.gid = gid;
	e.file.mode = mode & 07777;
	memcpy(e.file.path, path, strlen(path) + 1);
	rc = famfs_alloc_file(&s->alloc, size, &e.file.layout, reason);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "%s: %s", path, reason);
		return rc;
	}
	/* self-check of the allocator; also fills layout.start[] */
	rc = famfs_layout_validate(&e.file.layout, s->fs.sb.dev_size, reason,
				   sizeof(reason));
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "%s: allocator bug: %s", path,
			 reason);
		release(s, &e.file.layout);
		return -EIO;
	}
	if (fill) {
		rc = fill(&s->fs.dev, &e.file.layout, fill_ctx);
		if (rc) {
			snprintf(why, FAMFS_WHY_LEN,
				 "%s: writing the contents failed: %s", path,
				 strerror(-rc));
			release(s, &e.file.layout);
			return rc;
		}
	}
	rc = log_and_apply(s, &e, why);
	if (rc) {
		/* give the units back; the session's bitmap must stay true */
		release(s, &e.file.layout);
		return rc;
	}
	*out = famfs_ns_resolve(&s->ns, path, &err);
	return *out ? 0 : -EIO;
}

int famfs_file_write(struct famfs_dev *d, const struct famfs_layout *l,
		     uint64_t off, const void *buf, uint64_t len)
{
	const uint8_t *src = buf;
	uint64_t devoff, n;

	if (off > l->size || len > l->size - off)
		return -EINVAL;
	while (len) {
		if (famfs_layout_map(l, off, &devoff, &n))
			return -EINVAL;
		if (n > len)
			n = len;
		if (devoff > d->size || n > d->size - devoff)
			return -EIO;
		memcpy(d->base + devoff, src, n);
		src += n;
		off += n;
		len -= n;
	}
	return 0;
}

int famfs_file_read(const struct famfs_dev *d, const struct famfs_layout *l,
		    uint64_t off, void *buf, uint64_t len)
{
	uint8_t *dst = buf;
	uint64_t devoff, n;

	if (off > l->size || len > l->size - off)
		return -EINVAL;
	while (len) {
		if (famfs_layout_map(l, off, &devoff, &n))
			return -EINVAL;
		if (n > len)
			n = len;
		if (devoff > d->size || n > d->size - devoff)
			return -EIO;
		memcpy(dst, d->base + devoff, n);
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

int famfs_file_sync(struct famfs_dev *d, const struct famfs_layout *l)
{
	unsigned int i;
	int rc;

	for (i = 0; i < l->next; i++) {
		rc = famfs_dev_sync(d, l->ext[i].offset, l->ext[i].len);
		if (rc)
			return rc;
	}
	return 0;
}
