/*
 * Dialect detection: ioctl probes before mount, then the kernel's INIT
 * minor and flags (spec kernel-extensions.md section 9.1), and the one
 * readable line that says what was chosen and why.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuse_kernel.h"
#include "dialect_i.h"

void fuse_dialect_probe_device(fuse_dialect_ioctl_fn ioctl_fn, void *ctx,
			       bool want_iomap, struct fuse_dialect_probe *out)
{
	const struct fuse_dialect *d = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7);
	/* the size the table gives, not a literal: 16 bytes (spec 4.2) */
	uint64_t sup[2] = { 0, 0 };
	int res;

	memset(out, 0, sizeof(*out));
	out->done = true;
	if (!ioctl_fn) {
		out->support_err = -ENOTTY;
		return;
	}
	res = ioctl_fn(ctx, d->ioc.iomap_support, sup);
	if (res < 0) {
		/* ENOTTY/EINVAL: not an iomap kernel (spec 9.1) */
		out->support_err = res;
		return;
	}
	out->support_flags = sup[0];
	if (!want_iomap || !(sup[0] & d->val.support_fileio))
		return;
	out->add_iomap_tried = true;
	res = ioctl_fn(ctx, d->ioc.add_iomap, NULL);
	out->add_iomap_err = res < 0 ? res : 0;
}

static void set_classic(struct fuse_dialect_choice *c,
			const struct fuse_dialect *kernel, const char *why)
{
	c->kernel = kernel;
	c->path = FUSE_DPATH_CLASSIC;
	c->reply_flag = 0;
	snprintf(c->reason, sizeof(c->reason), "%s", why);
}

static void why_no_bit43_iomap(struct fuse_dialect_choice *c,
			       const struct fuse_dialect *iomap,
			       const struct fuse_dialect_probe *probe)
{
	if (!probe || !probe->done || !probe->add_iomap_tried) {
		set_classic(c, iomap, "the iomap kernel did not offer bit 43: "
			    "FUSE_DEV_IOC_ADD_IOMAP was not issued before mount");
	} else if (probe->add_iomap_err == -EPERM) {
		set_classic(c, iomap, "FUSE_DEV_IOC_ADD_IOMAP failed with EPERM "
			    "(needs CAP_SYS_RAWIO and fuse.enable_iomap=1)");
	} else if (probe->add_iomap_err) {
		snprintf(c->reason, sizeof(c->reason),
			 "FUSE_DEV_IOC_ADD_IOMAP failed: %s",
			 strerror(-probe->add_iomap_err));
		c->kernel = iomap;
		c->path = FUSE_DPATH_CLASSIC;
	} else {
		set_classic(c, iomap, "ADD_IOMAP succeeded but the kernel "
			    "did not offer bit 43");
	}
}

static void choose_iomap(struct fuse_dialect_choice *c,
			 const struct fuse_dialect_want *want)
{
	const struct fuse_dialect *plain = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7);
	const struct fuse_dialect *bpf = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7_BPF);

	if (!want->block) {
		set_classic(c, plain, "the kernel speaks fuse-iomap but the "
			    "server serves no block devices");
		return;
	}
	c->path = FUSE_DPATH_IOMAP;
	c->reply_flag = plain->map_flag;
	c->reply_minor = plain->min_reply_minor;
	if (want->bpf && want->bpf_iomap_avail) {
		c->kernel = bpf;
		snprintf(c->reason, sizeof(c->reason),
			 "minor %u offers bit 43 (fuse-iomap), the server serves "
			 "block devices, and kernel BTF has %s",
			 c->kernel_minor, bpf->bpf_ops_type);
	} else {
		c->kernel = plain;
		snprintf(c->reason, sizeof(c->reason),
			 "minor %u offers bit 43 (fuse-iomap) and the server "
			 "serves block devices%s", c->kernel_minor,
			 want->bpf ? "; no fuse_iomap_bpf_ops in kernel BTF" : "");
	}
}

static void choose_famfs(struct fuse_dialect_choice *c,
			 const struct fuse_dialect_want *want)
{
	const struct fuse_dialect *v10 = fuse_dialect_get(FUSE_DIALECT_FAMFS_V10);
	const struct fuse_dialect *push = fuse_dialect_get(FUSE_DIALECT_FAMFS_POST_V10);
	const struct fuse_dialect *gp = fuse_dialect_get(FUSE_DIALECT_FAMFS_GP_BPF);

	if (!want->dax) {
		set_classic(c, v10, "bit 43 from minor 46 is FUSE_DAX_FMAP but "
			    "the server serves no DAX devices");
		return;
	}
	c->path = FUSE_DPATH_FMAP;
	c->reply_flag = v10->map_flag;
	c->reply_minor = c->kernel_minor;
	if (want->bpf && want->bpf_fmap_avail) {
		c->kernel = gp;
		snprintf(c->reason, sizeof(c->reason),
			 "bit 43 from minor 46 is FUSE_DAX_FMAP, the server "
			 "serves DAX devices, and kernel BTF has %s",
			 gp->bpf_ops_type);
	} else if (want->famfs_push) {
		c->kernel = push;
		snprintf(c->reason, sizeof(c->reason),
			 "bit 43 from minor 46 is FUSE_DAX_FMAP and the server "
			 "asked for the post-V10 push model");
	} else {
		c->kernel = v10;
		snprintf(c->reason, sizeof(c->reason),
			 "bit 43 from minor 46 is FUSE_DAX_FMAP and the server "
			 "serves DAX devices");
	}
}

int fuse_dialect_detect(uint32_t major, uint32_t minor, uint64_t flags,
			const struct fuse_dialect_probe *probe,
			const struct fuse_dialect_want *want,
			struct fuse_dialect_choice *out)
{
	const struct fuse_dialect *stock = fuse_dialect_get(FUSE_DIALECT_STOCK);
	const struct fuse_dialect *iomap = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7);
	const struct fuse_dialect *famfs = fuse_dialect_get(FUSE_DIALECT_FAMFS_V10);
	static const struct fuse_dialect_want none;

	if (!want)
		want = &none;
	memset(out, 0, sizeof(*out));
	out->kernel_minor = minor;
	out->kernel_flags = flags;
	out->reply_minor = minor;
	/* both series use bit 43; the minor tells which meaning applies */
	out->bit43 = (flags & iomap->map_flag) != 0;

	if (major != FUSE_KERNEL_VERSION) {
		set_classic(out, stock, "unknown major version");
		return 0;
	}
	if (minor >= iomap->minor) {
		if (out->bit43)
			choose_iomap(out, want);
		else
			why_no_bit43_iomap(out, iomap, probe);
		return 0;
	}
	if (minor == famfs->minor) {
		if (out->bit43) {
			choose_famfs(out, want);
		} else {
			set_classic(out, stock, "minor 46 without bit 43: no "
				    "famfs DAX (needs CONFIG_FUSE_FAMFS_DAX and "
				    "CAP_SYS_RAWIO at mount)");
		}
		return 0;
	}
	if (out->bit43) {
		snprintf(out->reason, sizeof(out->reason),
			 "bit 43 from minor %u has no known meaning; ignored",
			 minor);
		out->kernel = stock;
		out->path = FUSE_DPATH_CLASSIC;
		return 0;
	}
	if (probe && probe->done && probe->support_err == 0)
		set_classic(out, iomap, "IOMAP_SUPPORT answered but INIT is "
			    "not from an iomap kernel");
	else
		set_classic(out, stock, "the kernel offers no mapped I/O "
			    "extension");
	return 0;
}

int fuse_dialect_describe(const struct fuse_dialect_choice *c, char *buf,
			  size_t size)
{
	const char *name = c->kernel ? c->kernel->name : "unknown";
	char bit[48];

	if (c->bit43 && c->kernel && c->kernel->map_flag_name)
		snprintf(bit, sizeof(bit), ", bit 43 = %s",
			 c->kernel->map_flag_name);
	else if (c->bit43)
		snprintf(bit, sizeof(bit), ", bit 43 = unknown");
	else
		bit[0] = '\0';
	return snprintf(buf, size, "fuse: dialect %s (minor %u%s): path %s, "
			"because %s", name, c->kernel_minor, bit,
			fuse_dialect_path_name(c->path), c->reason);
}
