/* Dialect tables and detection (lib/dialect*.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	CHECK(!fuse_dialect_btf_has_type(""));
	CHECK(!fuse_dialect_btf_has_type(NULL));
}

int main(void)
{
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
