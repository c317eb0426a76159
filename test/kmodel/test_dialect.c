/* Dialect tables and detection (lib/dialect*.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuse_kernel.h"
#include "dialect_i.h"

static int fails;

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		fails++; \
	} \
} while (0)

static const struct fuse_dialect_want want_all = {
	.block = true, .dax = true,
};

static void test_tables(void)
{
	const char *const *n;
	const struct fuse_dialect *d;
	int count = 0;

	for (n = fuse_dialect_names(); *n; n++) {
		d = fuse_dialect_by_name(*n);
		CHECK(d != NULL);
		CHECK(d && strcmp(d->name, *n) == 0);
		CHECK(d && d == fuse_dialect_get(d->id));
		count++;
	}
	CHECK(count == FUSE_DIALECT_COUNT);
	CHECK(fuse_dialect_by_name("nonsense") == NULL);

	d = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7);
	CHECK(d->minor == 99 && d->map_flag == (1ULL << 43));
	CHECK(d->op.iomap_begin == 4094 && d->op.iomap_end == 4095);
	CHECK(d->op.iomap_ioend == 4093 && d->op.iomap_config == 4092);
	CHECK(d->op.freeze_fs == 4089 && d->op.shutdown_fs == 4091);
	CHECK(d->notify.iomap_upsert == 100 && d->notify.iomap_inval == 101);
	CHECK(d->notify.iomap_dev_inval == 99);
	CHECK(d->ioc.iomap_support == 0x8010E563UL);
	CHECK(d->ioc.add_iomap == 0xE565UL);
	CHECK(d->ioc.iomap_set_blocksize == 0x4008E566UL);
	CHECK(d->ioc.backing_open == 0x4010E501UL);
	CHECK(d->size.begin_out == 64 && d->size.config_out_max == 104);
	CHECK(d->size.upsert == 80 && d->size.inval == 48);
	CHECK(d->val.config_flags_known == 0x7F);
	CHECK(d->val.f_valid_from_server == 0xFF);
	CHECK(d->corrupt_errno == EUCLEAN);
	CHECK(d->lim.backing_id_max == 1024);
	CHECK(d->lim.cache_default == 262144);

	d = fuse_dialect_get(FUSE_DIALECT_FAMFS_V10);
	CHECK(d->minor == 46 && d->map_flag == (1ULL << 43));
	CHECK(d->op.get_fmap == 54 && d->op.get_daxdev == 55);
	CHECK(d->size.daxdev_out == 280 && d->size.get_fmap_in == 0);
	CHECK(d->lim.famfs_max_extents == 32 && d->lim.daxdev_slots == 24);
	CHECK(d->lim.famfs_align == 2 * 1024 * 1024);
	CHECK(d->lim.fmap_buf_max == 4096);

	d = fuse_dialect_get(FUSE_DIALECT_FAMFS_POST_V10);
	CHECK(d->size.get_fmap_in == 8 && d->lim.famfs_max_extents == 0);
	CHECK(d->lim.daxdev_slots == 64 && d->daxdev == FUSE_DAXDEV_PUSH);
	CHECK(d->ioc.daxdev_open == 0 && d->daxdev_open_number_unknown);

	d = fuse_dialect_get(FUSE_DIALECT_FAMFS_GP_BPF);
	CHECK(d->init_ops_name && d->ops_name_offset == 48 &&
	      d->ops_name_len == 16);
	CHECK(d->op.get_fmap == 0 && d->lim.bpf_max_strips == 16);

	for (n = fuse_dialect_names(); *n; n++) {
		d = fuse_dialect_by_name(*n);
		/* every extension dialect documents its bit */
		CHECK(!d->map_flag || (d->map_flag_name && d->map_flag_doc));
		CHECK(d->source && d->series);
	}
	d = fuse_dialect_get(FUSE_DIALECT_STOCK);
	CHECK(d->map_flag == 0 && d->path == FUSE_DPATH_CLASSIC);
	CHECK(FUSE_IOMAP == FUSE_DAX_FMAP);
	CHECK(FUSE_GET_FMAP == FUSE_BATCHED_REQUEST);
}

static void test_detect(void)
{
	struct fuse_dialect_choice c;
	struct fuse_dialect_probe p;
	struct fuse_dialect_want w;
	char line[512];

	/* bit 43 from minor 99 is FUSE_IOMAP */
	fuse_dialect_detect(7, 99, 1ULL << 43, NULL, &want_all, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_IOMAP_V7);
	CHECK(c.path == FUSE_DPATH_IOMAP);
	CHECK(c.reply_minor == 99 && c.reply_flag == (1ULL << 43));
	fuse_dialect_describe(&c, line, sizeof(line));
	printf("%s\n", line);
	CHECK(strstr(line, "dialect iomap-v7 (minor 99, bit 43 = IOMAP): path iomap"));

	/* bit 43 from minor 46 is FUSE_DAX_FMAP */
	fuse_dialect_detect(7, 46, 1ULL << 43, NULL, &want_all, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_FAMFS_V10);
	CHECK(c.path == FUSE_DPATH_FMAP);
	fuse_dialect_describe(&c, line, sizeof(line));
	printf("%s\n", line);
	CHECK(strstr(line, "dialect famfs-v10 (minor 46, bit 43 = DAX_FMAP): path fmap, because"));

	/* the kernel offers nothing -> classic */
	fuse_dialect_detect(7, 45, 0, NULL, &want_all, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_STOCK && c.path == FUSE_DPATH_CLASSIC);
	CHECK(c.reply_flag == 0);

	/* iomap kernel, ADD_IOMAP refused (no CAP_SYS_RAWIO) -> classic + reason */
	memset(&p, 0, sizeof(p));
	p.done = true;
	p.add_iomap_tried = true;
	p.add_iomap_err = -EPERM;
	fuse_dialect_detect(7, 99, 0, &p, &want_all, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_IOMAP_V7);
	CHECK(c.path == FUSE_DPATH_CLASSIC);
	CHECK(strstr(c.reason, "EPERM") && strstr(c.reason, "CAP_SYS_RAWIO"));
	fuse_dialect_describe(&c, line, sizeof(line));
	printf("%s\n", line);

	/* the server serves no block devices on an iomap kernel */
	memset(&w, 0, sizeof(w));
	w.dax = true;
	fuse_dialect_detect(7, 99, 1ULL << 43, NULL, &w, &c);
	CHECK(c.path == FUSE_DPATH_CLASSIC && c.reply_flag == 0);

	/* BPF variants, when the server allows and BTF has the type */
	memset(&w, 0, sizeof(w));
	w.block = w.dax = w.bpf = true;
	w.bpf_iomap_avail = w.bpf_fmap_avail = true;
	fuse_dialect_detect(7, 99, 1ULL << 43, NULL, &w, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_IOMAP_V7_BPF);
	fuse_dialect_detect(7, 46, 1ULL << 43, NULL, &w, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_FAMFS_GP_BPF);
	w.bpf = false;
	w.famfs_push = true;
	fuse_dialect_detect(7, 46, 1ULL << 43, NULL, &w, &c);
	CHECK(c.kernel->id == FUSE_DIALECT_FAMFS_POST_V10);

	/* bit 43 from an unknown minor has no meaning */
	fuse_dialect_detect(7, 50, 1ULL << 43, NULL, &want_all, &c);
	CHECK(c.path == FUSE_DPATH_CLASSIC && c.reply_flag == 0);
	fuse_dialect_detect(8, 99, 1ULL << 43, NULL, &want_all, &c);
	CHECK(c.path == FUSE_DPATH_CLASSIC);
}

/* A fake device-ioctl hook: answers like an iomap kernel or a stock one. */
struct fake_dev {
	bool iomap_kernel;
	bool rawio;
	int calls_support, calls_add;
};

static int fake_ioctl(void *ctx, unsigned long cmd, void *arg)
{
	struct fake_dev *f = ctx;
	const struct fuse_dialect *d = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7);

	if (cmd == d->ioc.iomap_support) {
		struct fuse_iomap_support s = { 0, 0 };

		f->calls_support++;
		if (!f->iomap_kernel)
			return -ENOTTY;
		if (f->rawio)
			s.flags = FUSE_IOMAP_SUPPORT_FILEIO;
		memcpy(arg, &s, sizeof(s));
		return 0;
	}
	if (cmd == d->ioc.add_iomap) {
		f->calls_add++;
		return f->rawio ? 0 : -EPERM;
	}
	return -ENOTTY;
}

static void test_probe(void)
{
	struct fake_dev f = { .iomap_kernel = false };
	struct fuse_dialect_probe p;

	fuse_dialect_probe_device(fake_ioctl, &f, true, &p);
	CHECK(p.done && p.support_err == -ENOTTY && !p.add_iomap_tried);
	CHECK(f.calls_add == 0);

	f = (struct fake_dev){ .iomap_kernel = true, .rawio = true };
	fuse_dialect_probe_device(fake_ioctl, &f, true, &p);
	CHECK(p.support_err == 0 && p.add_iomap_tried && p.add_iomap_err == 0);
	CHECK(p.support_flags & FUSE_IOMAP_SUPPORT_FILEIO);

	/* not wanted: no ADD_IOMAP */
	f = (struct fake_dev){ .iomap_kernel = true, .rawio = true };
	fuse_dialect_probe_device(fake_ioctl, &f, false, &p);
	CHECK(!p.add_iomap_tried && f.calls_add == 0);

	/* IOMAP_SUPPORT says no file I/O: ADD_IOMAP is not tried */
	f = (struct fake_dev){ .iomap_kernel = true, .rawio = false };
	fuse_dialect_probe_device(fake_ioctl, &f, true, &p);
	CHECK(p.support_err == 0 && p.support_flags == 0 && !p.add_iomap_tried);
}

static void test_btf(void)
{
	/* no patched kernel here: the types must be absent, and nothing crashes */
	bool has = fuse_dialect_btf_has_type("fuse_iomap_bpf_ops");

	printf("kernel BTF has fuse_iomap_bpf_ops: %s\n", has ? "yes" : "no");
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0) {
		/* positive control: a type every kernel has */
		CHECK(fuse_dialect_btf_has_type("task_struct"));
		CHECK(!fuse_dialect_btf_has_type("task_struc"));
	}
	CHECK(!fuse_dialect_btf_has_type(""));
	CHECK(!fuse_dialect_btf_has_type(NULL));
}

/* The extension block of fuse_kernel.h against the spec's tables. */
static void test_uapi_values(void)
{
	/* spec 1.1 */
	CHECK(FUSE_IOMAP == 1ULL << 43 && FUSE_DAX_FMAP == 1ULL << 43);
	CHECK((uint32_t)(FUSE_IOMAP >> 32) == 1u << 11);
	CHECK(FUSE_IOMAP_KERNEL_MINOR_VERSION == 99);
	CHECK(FUSE_FAMFS_KERNEL_MINOR_VERSION == 46);
	/* spec 2.1, 2.2, 6.1 */
	CHECK(FUSE_FREEZE_FS == 4089 && FUSE_UNFREEZE_FS == 4090);
	CHECK(FUSE_SHUTDOWN_FS == 4091 && FUSE_IOMAP_CONFIG == 4092);
	CHECK(FUSE_IOMAP_IOEND == 4093 && FUSE_IOMAP_BEGIN == 4094);
	CHECK(FUSE_IOMAP_END == 4095 && (int)FUSE_IOMAP_END < (int)CUSE_INIT);
	CHECK(FUSE_GET_FMAP == 54 && FUSE_GET_DAXDEV == 55);
	CHECK(FUSE_NOTIFY_IOMAP_DEV_INVAL == 99);
	CHECK(FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS == 100);
	CHECK(FUSE_NOTIFY_IOMAP_INVAL_MAPPINGS == 101);
	/* spec 3.1 */
	CHECK(FUSE_IOMAP_TYPE_HOLE == 0 && FUSE_IOMAP_TYPE_DELALLOC == 1);
	CHECK(FUSE_IOMAP_TYPE_MAPPED == 2 && FUSE_IOMAP_TYPE_UNWRITTEN == 3);
	CHECK(FUSE_IOMAP_TYPE_INLINE == 4 && FUSE_IOMAP_TYPE_NOCACHE == 253);
	CHECK(FUSE_IOMAP_TYPE_RETRY_CACHE == 254);
	CHECK(FUSE_IOMAP_TYPE_PURE_OVERWRITE == 255);
	CHECK(FUSE_IOMAP_DEV_NULL == 0 && FUSE_IOMAP_NULL_ADDR == ~0ULL);
	CHECK(FUSE_IOMAP_INVAL_TO_EOF == ~0ULL);
	/* spec 3.2 */
	CHECK(FUSE_IOMAP_F_NEW == 1 && FUSE_IOMAP_F_DIRTY == 2);
	CHECK(FUSE_IOMAP_F_SHARED == 4 && FUSE_IOMAP_F_MERGED == 8);
	CHECK(FUSE_IOMAP_F_BOUNDARY == 16 && FUSE_IOMAP_F_ANON_WRITE == 32);
	CHECK(FUSE_IOMAP_F_ATOMIC_BIO == 64 && FUSE_IOMAP_F_WANT_IOMAP_END == 128);
	CHECK(FUSE_IOMAP_F_SIZE_CHANGED == 256 && FUSE_IOMAP_F_STALE == 512);
	/* spec 3.3 */
	CHECK(FUSE_IOMAP_OP_WRITE == 1 && FUSE_IOMAP_OP_ZERO == 2);
	CHECK(FUSE_IOMAP_OP_REPORT == 4 && FUSE_IOMAP_OP_FAULT == 8);
	CHECK(FUSE_IOMAP_OP_DIRECT == 16 && FUSE_IOMAP_OP_NOWAIT == 32);
	CHECK(FUSE_IOMAP_OP_OVERWRITE_ONLY == 64 && FUSE_IOMAP_OP_UNSHARE == 128);
	CHECK(FUSE_IOMAP_OP_DAX == 256 && FUSE_IOMAP_OP_ATOMIC == 512);
	CHECK(FUSE_IOMAP_OP_DONTCACHE == 1024);
	CHECK(FUSE_IOMAP_OP_SWAPFILE == 1u << 30 && FUSE_IOMAP_OP_WRITEBACK == 1u << 31);
	/* spec 3.4 */
	CHECK(FUSE_IOMAP_IOEND_SHARED == 1 && FUSE_IOMAP_IOEND_UNWRITTEN == 2);
	CHECK(FUSE_IOMAP_IOEND_BOUNDARY == 4 && FUSE_IOMAP_IOEND_DIRECT == 8);
	CHECK(FUSE_IOMAP_IOEND_APPEND == 16 && FUSE_IOMAP_IOEND_WRITEBACK == 32);
	CHECK(FUSE_IOMAP_IOEND_SWAPOFF == 64);
	/* spec 2.3 */
	CHECK(FUSE_IOMAP_CONFIG_SID == 1 && FUSE_IOMAP_CONFIG_UUID == 2);
	CHECK(FUSE_IOMAP_CONFIG_BLOCKSIZE == 4 && FUSE_IOMAP_CONFIG_MAX_LINKS == 8);
	CHECK(FUSE_IOMAP_CONFIG_TIME == 16 && FUSE_IOMAP_CONFIG_MAXBYTES == 32);
	CHECK(FUSE_IOMAP_CONFIG_CACHE_MAXBYTES == 64);
	/* spec 4.1, 4.2 */
	CHECK(FUSE_BACKING_TYPE_MASK == 0xFF && FUSE_BACKING_TYPE_PASSTHROUGH == 0);
	CHECK(FUSE_BACKING_TYPE_IOMAP == 1);
	CHECK(FUSE_DEV_IOC_CLONE == 0x8004E500UL);
	CHECK(FUSE_DEV_IOC_BACKING_OPEN == 0x4010E501UL);
	CHECK(FUSE_DEV_IOC_BACKING_CLOSE == 0x4004E502UL);
	CHECK(FUSE_DEV_IOC_SYNC_INIT == 0xE503UL);
	CHECK(FUSE_DEV_IOC_IOMAP_SUPPORT == 0x8010E563UL);
	CHECK(FUSE_DEV_IOC_SET_NOFS == 0x4004E564UL);
	CHECK(FUSE_DEV_IOC_ADD_IOMAP == 0xE565UL);
	CHECK(FUSE_DEV_IOC_IOMAP_SET_BLOCKSIZE == 0x4008E566UL);
	CHECK(FUSE_IOMAP_SUPPORT_FILEIO == 1 && FUSE_IOMAP_SUPPORT_ATOMIC == 2);
	/* spec 8.1 */
	CHECK(FUSE_ATTR_EXCLUSIVE == 4 && FUSE_ATTR_IOMAP == 8);
	CHECK(FUSE_ATTR_ATOMIC == 16 && FUSE_ATTR_SYNC == 32);
	CHECK(FUSE_ATTR_IMMUTABLE == 64 && FUSE_ATTR_APPEND == 128);
	/* spec 6.3-6.5, 4.4 */
	CHECK(FUSE_FAMFS_FMAP_VERSION == 1 && FAMFS_FMAP_MAX == 32768);
	CHECK(FUSE_FAMFS_MAX_EXTENTS == 32 && FUSE_FAMFS_MAX_STRIPS == 32);
	CHECK(FUSE_FAMFS_FILE_REG == 0 && FUSE_FAMFS_FILE_SUPERBLOCK == 1);
	CHECK(FUSE_FAMFS_FILE_LOG == 2);
	CHECK(FUSE_FAMFS_EXT_SIMPLE == 0 && FUSE_FAMFS_EXT_INTERLEAVE == 1);
	CHECK(FUSE_DAXDEV_NAME_MAX == 256);
	/* spec 1.4, 7.1 */
	CHECK(FUSE_DAX_FMAP_OPS_NAME_LEN == 16);
	CHECK(FIB_FALLBACK == 0 && FIB_HANDLED == 1);
}

int main(void)
{
	test_uapi_values();
	test_tables();
	test_detect();
	test_probe();
	test_btf();
	if (fails)
		printf("%d checks failed\n", fails);
	else
		printf("all dialect checks passed\n");
	return fails ? 1 : 0;
}
