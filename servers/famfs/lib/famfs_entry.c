// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs log entries: integrity check, decode with validation, encode
 * (spec 1.4).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "famfs_crc.h"
#include "famfs_format.h"
#include "famfs_le.h"

int famfs_entry_check(const void *buf, uint64_t index, char *why)
{
	const uint8_t *b = buf;
	uint64_t seq = famfs_get_le64(b + FAMFS_ENTRY_OFF_SEQNUM);
	uint64_t stored = famfs_get_le64(b + FAMFS_ENTRY_OFF_CRC);
	uint32_t crc;

	if (seq != index) {
		snprintf(why, FAMFS_WHY_LEN,
			 "entry %llu: sequence number %llu != index",
			 (unsigned long long)index, (unsigned long long)seq);
		return -EBADMSG;
	}
	crc = famfs_crc32(0, b, FAMFS_ENTRY_CRC_LEN);
	if (stored != crc) {
		snprintf(why, FAMFS_WHY_LEN,
			 "entry %llu: CRC mismatch (stored 0x%llx, computed 0x%x)",
			 (unsigned long long)index, (unsigned long long)stored,
			 crc);
		return -EBADMSG;
	}
	return 0;
}

int famfs_relpath_check(const char *path, size_t maxlen, char *why)
{
	size_t len = strnlen(path, maxlen);
	const char *p, *end;

	if (len == maxlen) {
		snprintf(why, FAMFS_WHY_LEN, "path not NUL-terminated in %zu bytes",
			 maxlen);
		return -EINVAL;
	}
	if (len == 0) {
		snprintf(why, FAMFS_WHY_LEN, "empty path");
		return -EINVAL;
	}
	if (path[0] == '/') {
		snprintf(why, FAMFS_WHY_LEN, "absolute path \"%s\"", path);
		return -EINVAL;
	}
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, '/');
		if (end == p || (end - p == 1 && p[0] == '.') ||
		    (end - p == 2 && p[0] == '.' && p[1] == '.')) {
			snprintf(why, FAMFS_WHY_LEN,
				 "path \"%s\" has an empty, \".\" or \"..\" component",
				 path);
			return -EINVAL;
		}
	}
	return 0;
}

static int decode_fmap(const uint8_t *fm, uint64_t size, uint64_t dev_size,
		       struct famfs_layout *l, char *why)
{
	const uint8_t *fmap = fm + FAMFS_FM_OFF_FMAP;
	const uint8_t *x;
	uint32_t type = famfs_get_le32(fmap + FAMFS_FMAP_OFF_EXT_TYPE);
	uint32_t n = famfs_get_le32(fmap + FAMFS_FMAP_OFF_NEXT);
	uint64_t nstrips;
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->size = size;
	if (type == FAMFS_EXT_SIMPLE) {
		if (n < 1 || n > FAMFS_MAX_SIMPLE_EXT) {
			snprintf(why, FAMFS_WHY_LEN,
				 "simple extent count %u not in 1..%d", n,
				 FAMFS_MAX_SIMPLE_EXT);
			return -EINVAL;
		}
		l->kind = FAMFS_LAYOUT_SIMPLE;
		l->next = n;
		x = fmap + FAMFS_FMAP_OFF_EXTS;
	} else if (type == FAMFS_EXT_INTERLEAVE) {
		const uint8_t *ie = fmap + FAMFS_FMAP_OFF_EXTS;

		/* The format has room for exactly one interleaved extent. */
		if (n != 1) {
			snprintf(why, FAMFS_WHY_LEN,
				 "interleaved extent count %u (only 1 fits)", n);
			return -EINVAL;
		}
		nstrips = famfs_get_le64(ie + FAMFS_IE_OFF_NSTRIPS);
		if (nstrips < 1 || nstrips > FAMFS_MAX_NSTRIPS) {
			snprintf(why, FAMFS_WHY_LEN,
				 "strip count %llu not in 1..%d",
				 (unsigned long long)nstrips, FAMFS_MAX_NSTRIPS);
			return -EINVAL;
		}
		l->kind = FAMFS_LAYOUT_INTERLEAVE;
		l->next = (uint32_t)nstrips;
		l->chunk = famfs_get_le64(ie + FAMFS_IE_OFF_CHUNK);
		x = ie + FAMFS_IE_OFF_STRIPS;
	} else {
		snprintf(why, FAMFS_WHY_LEN, "unknown extent type %u", type);
		return -EINVAL;
	}
	for (i = 0; i < l->next; i++, x += FAMFS_SE_SIZE) {
		l->ext[i].devindex = famfs_get_le64(x);
		l->ext[i].offset = famfs_get_le64(x + 8);
		l->ext[i].len = famfs_get_le64(x + 16);
	}
	return famfs_layout_validate(l, dev_size, why, FAMFS_WHY_LEN);
}

int famfs_entry_decode(const void *buf, uint64_t dev_size,
		       struct famfs_entry *e, char *why)
{
	const uint8_t *b = buf;
	const uint8_t *p = b + FAMFS_ENTRY_OFF_PAYLOAD;
	char reason[FAMFS_WHY_LEN];
	int rc;

	memset(e, 0, sizeof(*e));
	e->seqnum = famfs_get_le64(b + FAMFS_ENTRY_OFF_SEQNUM);
	e->type = famfs_get_le32(b + FAMFS_ENTRY_OFF_TYPE);

	switch (e->type) {
	case FAMFS_LOG_FILE:
		e->file.flags = famfs_get_le32(p + FAMFS_FM_OFF_FLAGS);
		e->file.uid = famfs_get_le32(p + FAMFS_FM_OFF_UID);
		e->file.gid = famfs_get_le32(p + FAMFS_FM_OFF_GID);
		e->file.mode = famfs_get_le32(p + FAMFS_FM_OFF_MODE);
		memcpy(e->file.path, p + FAMFS_FM_OFF_RELPATH,
		       FAMFS_RELPATH_LEN);
		rc = famfs_relpath_check(e->file.path, FAMFS_RELPATH_LEN,
					 reason);
		if (rc) {
			e->file.path[FAMFS_RELPATH_LEN - 1] = '\0';
			snprintf(why, FAMFS_WHY_LEN, "file entry: %s", reason);
			return rc;
		}
		rc = decode_fmap(p, famfs_get_le64(p + FAMFS_FM_OFF_SIZE),
				 dev_size, &e->file.layout, reason);
		if (rc) {
			snprintf(why, FAMFS_WHY_LEN, "file %s: %s",
				 e->file.path, reason);
			return rc;
		}
		e->file.mode &= 07777;
		return 0;
	case FAMFS_LOG_MKDIR:
		e->dir.uid = famfs_get_le32(p + FAMFS_MD_OFF_UID);
		e->dir.gid = famfs_get_le32(p + FAMFS_MD_OFF_GID);
		e->dir.mode = famfs_get_le32(p + FAMFS_MD_OFF_MODE) & 07777;
		memcpy(e->dir.path, p + FAMFS_MD_OFF_RELPATH, FAMFS_RELPATH_LEN);
		rc = famfs_relpath_check(e->dir.path, FAMFS_RELPATH_LEN, reason);
		if (rc) {
			e->dir.path[FAMFS_RELPATH_LEN - 1] = '\0';
			snprintf(why, FAMFS_WHY_LEN, "mkdir entry: %s", reason);
			return rc;
		}
		return 0;
	case FAMFS_LOG_ADD_DAXDEV:
		e->daxdev.size = famfs_get_le64(p + FAMFS_DD_OFF_SIZE);
		memcpy(e->daxdev.uuid, p + FAMFS_DD_OFF_UUID, 16);
		e->daxdev.index = famfs_get_le32(p + FAMFS_DD_OFF_INDEX);
		return 0;
	default:
		return 0;
	}
}

static void encode_extents(uint8_t *x, const struct famfs_layout *l)
{
	unsigned int i;

	for (i = 0; i < l->next; i++, x += FAMFS_SE_SIZE) {
		famfs_put_le64(x, l->ext[i].devindex);
		famfs_put_le64(x + 8, l->ext[i].offset);
		famfs_put_le64(x + 16, l->ext[i].len);
	}
}

int famfs_entry_encode(const struct famfs_entry *e, uint64_t seqnum,
		       uint8_t out[FAMFS_ENTRY_SIZE])
{
	uint8_t *p = out + FAMFS_ENTRY_OFF_PAYLOAD;
	uint8_t *fmap;
	const struct famfs_layout *l;
	size_t n;

	memset(out, 0, FAMFS_ENTRY_SIZE);
	famfs_put_le64(out + FAMFS_ENTRY_OFF_SEQNUM, seqnum);
	famfs_put_le32(out + FAMFS_ENTRY_OFF_TYPE, e->type);

	switch (e->type) {
	case FAMFS_LOG_FILE:
		l = &e->file.layout;
		n = strnlen(e->file.path, FAMFS_RELPATH_LEN);
		if (n == 0 || n >= FAMFS_RELPATH_LEN || l->next < 1 ||
		    l->next > FAMFS_MAX_SIMPLE_EXT)
			return -EINVAL;
		famfs_put_le64(p + FAMFS_FM_OFF_SIZE, l->size);
		famfs_put_le32(p + FAMFS_FM_OFF_FLAGS, e->file.flags);
		famfs_put_le32(p + FAMFS_FM_OFF_UID, e->file.uid);
		famfs_put_le32(p + FAMFS_FM_OFF_GID, e->file.gid);
		famfs_put_le32(p + FAMFS_FM_OFF_MODE, e->file.mode);
		memcpy(p + FAMFS_FM_OFF_RELPATH, e->file.path, n);
		fmap = p + FAMFS_FM_OFF_FMAP;
		famfs_put_le32(fmap + FAMFS_FMAP_OFF_EXT_TYPE, l->kind);
		if (l->kind == FAMFS_LAYOUT_SIMPLE) {
			famfs_put_le32(fmap + FAMFS_FMAP_OFF_NEXT, l->next);
			encode_extents(fmap + FAMFS_FMAP_OFF_EXTS, l);
		} else {
			uint8_t *ie = fmap + FAMFS_FMAP_OFF_EXTS;

			famfs_put_le32(fmap + FAMFS_FMAP_OFF_NEXT, 1);
			famfs_put_le64(ie + FAMFS_IE_OFF_NSTRIPS, l->next);
			famfs_put_le64(ie + FAMFS_IE_OFF_CHUNK, l->chunk);
			encode_extents(ie + FAMFS_IE_OFF_STRIPS, l);
		}
		break;
	case FAMFS_LOG_MKDIR:
		n = strnlen(e->dir.path, FAMFS_RELPATH_LEN);
		if (n == 0 || n >= FAMFS_RELPATH_LEN)
			return -EINVAL;
		famfs_put_le32(p + FAMFS_MD_OFF_UID, e->dir.uid);
		famfs_put_le32(p + FAMFS_MD_OFF_GID, e->dir.gid);
		famfs_put_le32(p + FAMFS_MD_OFF_MODE, e->dir.mode);
		memcpy(p + FAMFS_MD_OFF_RELPATH, e->dir.path, n);
		break;
	case FAMFS_LOG_ADD_DAXDEV:
		famfs_put_le64(p + FAMFS_DD_OFF_SIZE, e->daxdev.size);
		memcpy(p + FAMFS_DD_OFF_UUID, e->daxdev.uuid, 16);
		famfs_put_le32(p + FAMFS_DD_OFF_INDEX, e->daxdev.index);
		break;
	default:
		return -EINVAL;
	}
	famfs_put_le64(out + FAMFS_ENTRY_OFF_CRC,
		       famfs_crc32(0, out, FAMFS_ENTRY_CRC_LEN));
	return 0;
}
