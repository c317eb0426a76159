/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_crc.h
 * The CRC the reference uses: zlib's crc32() (CRC-32/ISO-HDLC, reflected
 * polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF), started
 * from crc32(0, ...) as famfs does (spec 1.2-1.4).
 */
#ifndef FAMFS_CRC_H
#define FAMFS_CRC_H

#include <stddef.h>
#include <stdint.h>

/**
 * Continue a zlib-compatible CRC-32.
 * @param crc previous value (0 to start)
 * @param buf bytes
 * @param len number of bytes
 * @return the new CRC, equal to zlib crc32(crc, buf, len)
 */
uint32_t famfs_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* FAMFS_CRC_H */
