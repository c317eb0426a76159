// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * In-memory famfs namespace and log replay (spec 1.9).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "famfs_ns.h"

static void report(struct famfs_ns *ns, int level, const char *fmt, ...)
{
	char msg[FAMFS_WHY_LEN * 2];
	va_list ap;

	if (!ns->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ns->report(ns->report_ctx, level, msg);
}

static uint64_t hash_name(uint64_t parent, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (parent * 0x9e3779b97f4a7c15ULL);

	while (*name) {
		h ^= (uint8_t)*name++;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

static int htab_grow(struct famfs_ns *ns)
{
	uint64_t nsize = ns->hsize ? ns->hsize * 2 : 1024;
	struct famfs_node **nt = calloc(nsize, sizeof(*nt));
	struct famfs_node *n, *next;
	uint64_t i, b;

	if (!nt)
		return -ENOMEM;
	for (i = 0; i < ns->hsize; i++) {
		for (n = ns->htab[i]; n; n = next) {
			next = n->hnext;
			b = hash_name(n->parent, n->name) & (nsize - 1);
			n->hnext = nt[b];
			nt[b] = n;
		}
	}
	free(ns->htab);
	ns->htab = nt;
	ns->hsize = nsize;
	return 0;
}

struct famfs_node *famfs_ns_get(const struct famfs_ns *ns, uint64_t ino)
{
	if (ino >= ns->nodes_cap)
		return NULL;
	return ns->nodes[ino];
}

struct famfs_node *famfs_ns_lookup(const struct famfs_ns *ns, uint64_t parent,
				   const char *name)
{
	struct famfs_node *n;

	if (!ns->hsize)
		return NULL;
	n = ns->htab[hash_name(parent, name) & (ns->hsize - 1)];
	for (; n; n = n->hnext)
		if (n->parent == parent && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static int add_kid(struct famfs_node *dir, uint64_t ino)
{
	if (dir->nkids == dir->kcap) {
		uint32_t ncap = dir->kcap ? dir->kcap * 2 : 8;
		uint64_t *k = realloc(dir->kids, ncap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		dir->kids = k;
		dir->kcap = ncap;
	}
	dir->kids[dir->nkids++] = ino;
	return 0;
}

/* Insert a node under @parent; takes ownership of nothing, copies name. */
static struct famfs_node *add_node(struct famfs_ns *ns, uint64_t ino,
				   struct famfs_node *parent, const char *name,
				   mode_t mode)
{
	struct famfs_node *n;
	uint64_t b;

	if (ino >= ns->nodes_cap) {
		uint64_t ncap = ns->nodes_cap ? ns->nodes_cap : 64;
		struct famfs_node **nn;

		while (ncap <= ino)
			ncap *= 2;
		nn = realloc(ns->nodes, ncap * sizeof(*nn));
		if (!nn)
			return NULL;
		memset(nn + ns->nodes_cap, 0,
		       (ncap - ns->nodes_cap) * sizeof(*nn));
		ns->nodes = nn;
		ns->nodes_cap = ncap;
	}
	if (ns->hcount + 1 > ns->hsize / 2 && htab_grow(ns))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->ino = ino;
	n->mode = mode;
	n->log_index = -1;
	n->parent = parent ? parent->ino : ino;
	if (parent) {
		if (add_kid(parent, ino)) {
			free(n->name);
			free(n);
			return NULL;
		}
		if (S_ISDIR(mode))
			parent->nsubdirs++;
		b = hash_name(n->parent, n->name) & (ns->hsize - 1);
		n->hnext = ns->htab[b];
		ns->htab[b] = n;
		ns->hcount++;
	}
	ns->nodes[ino] = n;
	return n;
}

static struct famfs_node *add_meta_file(struct famfs_ns *ns, uint64_t ino,
					struct famfs_node *meta,
					const char *name, mode_t mode,
					uint64_t off, uint64_t len)
{
	struct famfs_node *n = add_node(ns, ino, meta, name, S_IFREG | mode);

	if (!n)
		return NULL;
	n->layout.kind = FAMFS_LAYOUT_SIMPLE;
	n->layout.size = len;
	n->layout.next = 1;
	n->layout.ext[0].offset = off;
	n->layout.ext[0].len = len;
	n->layout.start[0] = 0;
	return n;
}

int famfs_ns_init(struct famfs_ns *ns, const struct famfs_fs *fs,
		  bool log_writable, famfs_ns_report_fn rep, void *ctx)
{
	struct famfs_node *root, *meta;

	memset(ns, 0, sizeof(*ns));
	ns->report = rep;
	ns->report_ctx = ctx;
	ns->dev_size = fs->sb.dev_size;
	memcpy(ns->daxdev_uuid[0], fs->sb.dev_uuid, 16);
	ns->daxdev_size[0] = fs->sb.dev_size;
	ns->ndaxdevs = 1;
	if (htab_grow(ns))
		return -ENOMEM;
	root = add_node(ns, FAMFS_INO_ROOT, NULL, "", S_IFDIR | 0755);
	if (!root)
		goto nomem;
	meta = add_node(ns, FAMFS_INO_META, root, ".meta", S_IFDIR | 0755);
	if (!meta)
		goto nomem;
	if (!add_meta_file(ns, FAMFS_INO_SB, meta, ".superblock", 0444, 0,
			   FAMFS_SUPERBLOCK_SIZE))
		goto nomem;
	if (!add_meta_file(ns, FAMFS_INO_LOG, meta, ".log",
			   log_writable ? 0644 : 0444, FAMFS_LOG_OFFSET,
			   fs->sb.log_len))
		goto nomem;
	return 0;
nomem:
	famfs_ns_free(ns);
	return -ENOMEM;
}

void famfs_ns_free(struct famfs_ns *ns)
{
	uint64_t i;

	for (i = 0; i < ns->nodes_cap; i++) {
		if (!ns->nodes[i])
			continue;
		free(ns->nodes[i]->name);
		free(ns->nodes[i]->kids);
		free(ns->nodes[i]);
	}
	free(ns->nodes);
	free(ns->htab);
	memset(ns, 0, sizeof(*ns));
}

struct famfs_node *famfs_ns_resolve(const struct famfs_ns *ns,
				    const char *path, int *err)
{
	struct famfs_node *cur = famfs_ns_get(ns, FAMFS_INO_ROOT);
	char comp[FAMFS_RELPATH_LEN + 1];
	const char *p = path, *end;
	size_t len;

	while (*p) {
		end = strchrnul(p, '/');
		len = end - p;
		if (len == 0 || (len == 1 && p[0] == '.')) {
			p = *end ? end + 1 : end;
			continue;
		}
		if (!S_ISDIR(cur->mode)) {
			*err = ENOTDIR;
			return NULL;
		}
		if (len >= sizeof(comp)) {
			*err = ENAMETOOLONG;
			return NULL;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		cur = famfs_ns_lookup(ns, cur->ino, comp);
		if (!cur) {
			*err = ENOENT;
			return NULL;
		}
		p = *end ? end + 1 : end;
	}
	*err = 0;
	return cur;
}

/* Find the parent directory of a checked relative path and its last name. */
static struct famfs_node *parent_of(struct famfs_ns *ns, const char *path,
				    const char **leaf, const char **why)
{
	char dir[FAMFS_RELPATH_LEN];
	const char *slash = strrchr(path, '/');
	struct famfs_node *p;
	int err;

	if (!slash) {
		*leaf = path;
		return famfs_ns_get(ns, FAMFS_INO_ROOT);
	}
	memcpy(dir, path, slash - path);
	dir[slash - path] = '\0';
	*leaf = slash + 1;
	p = famfs_ns_resolve(ns, dir, &err);
	if (!p) {
		*why = err == ENOTDIR ? "a parent is not a directory" :
					"parent directory missing";
		return NULL;
	}
	if (!S_ISDIR(p->mode)) {
		*why = "parent is not a directory";
		return NULL;
	}
	return p;
}

static void apply_file(struct famfs_ns *ns, uint64_t idx,
		       const struct famfs_entry *e)
{
	const char *leaf, *why = NULL;
	struct famfs_node *p, *old, *n;

	p = parent_of(ns, e->file.path, &leaf, &why);
	if (!p) {
		ns->st.errors++;
		report(ns, 0, "log entry %llu: file %s: %s",
		       (unsigned long long)idx, e->file.path, why);
		return;
	}
	old = famfs_ns_lookup(ns, p->ino, leaf);
	if (old) {
		if (S_ISDIR(old->mode)) {
			ns->st.errors++;
			report(ns, 0, "log entry %llu: file %s: a directory has that name",
			       (unsigned long long)idx, e->file.path);
		} else {
			ns->st.existed++;
		}
		return;
	}
	n = add_node(ns, FAMFS_INO_FIRST + idx, p, leaf,
		     S_IFREG | (e->file.mode & 07777));
	if (!n) {
		ns->st.errors++;
		report(ns, 0, "log entry %llu: out of memory",
		       (unsigned long long)idx);
		return;
	}
	n->uid = e->file.uid;
	n->gid = e->file.gid;
	n->log_index = idx;
	n->layout = e->file.layout;
	ns->st.files++;
}

static void apply_mkdir(struct famfs_ns *ns, uint64_t idx,
			const struct famfs_entry *e)
{
	const char *leaf, *why = NULL;
	struct famfs_node *p, *old, *n;

	p = parent_of(ns, e->dir.path, &leaf, &why);
	if (!p) {
		ns->st.errors++;
		report(ns, 0, "log entry %llu: mkdir %s: %s",
		       (unsigned long long)idx, e->dir.path, why);
		return;
	}
	old = famfs_ns_lookup(ns, p->ino, leaf);
	if (old) {
		if (!S_ISDIR(old->mode)) {
			ns->st.errors++;
			report(ns, 0, "log entry %llu: mkdir %s: a file has that name",
			       (unsigned long long)idx, e->dir.path);
		} else {
			ns->st.existed++;
		}
		return;
	}
	n = add_node(ns, FAMFS_INO_FIRST + idx, p, leaf,
		     S_IFDIR | (e->dir.mode & 07777));
	if (!n) {
		ns->st.errors++;
		report(ns, 0, "log entry %llu: out of memory",
		       (unsigned long long)idx);
		return;
	}
	n->uid = e->dir.uid;
	n->gid = e->dir.gid;
	n->log_index = idx;
	ns->st.dirs++;
}

/* Accumulation rule of the reference daxdev table (spec 1.4). */
static void apply_daxdev(struct famfs_ns *ns, uint64_t idx,
			 const struct famfs_entry *e)
{
	uint32_t i;

	if (e->daxdev.index != ns->ndaxdevs) {
		ns->st.errors++;
		report(ns, 0, "log entry %llu: daxdev index %u, expected %u",
		       (unsigned long long)idx, e->daxdev.index, ns->ndaxdevs);
		return;
	}
	for (i = 0; i < ns->ndaxdevs; i++) {
		if (memcmp(ns->daxdev_uuid[i], e->daxdev.uuid, 16) == 0) {
			ns->st.errors++;
			report(ns, 0, "log entry %llu: daxdev uuid already in slot %u",
			       (unsigned long long)idx, i);
			return;
		}
	}
	if (ns->ndaxdevs >= FAMFS_MAX_DAXDEVS) {
		ns->st.errors++;
		report(ns, 0, "log entry %llu: daxdev table full",
		       (unsigned long long)idx);
		return;
	}
	memcpy(ns->daxdev_uuid[ns->ndaxdevs], e->daxdev.uuid, 16);
	ns->daxdev_size[ns->ndaxdevs] = e->daxdev.size;
	ns->ndaxdevs++;
	ns->st.daxdevs++;
}

int64_t famfs_ns_replay(struct famfs_ns *ns, const struct famfs_fs *fs)
{
	uint8_t buf[FAMFS_ENTRY_SIZE];
	char why[FAMFS_WHY_LEN];
	struct famfs_log_hdr h;
	struct famfs_entry e;
	int64_t done = 0;
	int rc;

	rc = famfs_fs_log_hdr(fs, &h, why);
	if (rc) {
		/* report a persistent problem once, not on every check */
		if (strcmp(ns->hdr_why, why))
			report(ns, 0, "log header: %s", why);
		snprintf(ns->hdr_why, sizeof(ns->hdr_why), "%s", why);
		return rc;
	}
	ns->hdr_why[0] = '\0';
	if (h.next_index < ns->next_index) {
		if (!ns->shrunk)
			report(ns, 0, "log shrank from %llu to %llu entries: the file system was re-created or damaged; keeping what was replayed",
			       (unsigned long long)ns->next_index,
			       (unsigned long long)h.next_index);
		ns->shrunk = true;
		return 0;
	}
	while (ns->next_index < h.next_index) {
		uint64_t idx = ns->next_index;

		rc = famfs_fs_read_entry(fs, idx, buf, why);
		if (rc) {
			if (!ns->stopped || strcmp(ns->stop_why, why)) {
				report(ns, 0, "replay stopped at log entry %llu of %llu: %s",
				       (unsigned long long)idx,
				       (unsigned long long)h.next_index, why);
				snprintf(ns->stop_why, sizeof(ns->stop_why),
					 "%s", why);
			}
			ns->stopped = true;
			break;
		}
		ns->stopped = false;
		ns->next_index++;
		ns->st.entries++;
		done++;
		rc = famfs_entry_decode(buf, fs->sb.dev_size, &e, why);
		if (rc) {
			ns->st.errors++;
			report(ns, 0, "log entry %llu skipped: %s",
			       (unsigned long long)idx, why);
			continue;
		}
		switch (e.type) {
		case FAMFS_LOG_FILE:
			apply_file(ns, idx, &e);
			break;
		case FAMFS_LOG_MKDIR:
			apply_mkdir(ns, idx, &e);
			break;
		case FAMFS_LOG_ADD_DAXDEV:
			apply_daxdev(ns, idx, &e);
			break;
		default:
			ns->st.ignored++;
			report(ns, 1, "log entry %llu: type %u ignored",
			       (unsigned long long)idx, e.type);
			break;
		}
	}
	return done;
}
