// SPDX-License-Identifier: GPL-2.0
/*
 * The s390 debug feature area "vfio_ap" (/sys/kernel/debug/s390dbf/vfio_ap),
 * as the C driver registers it: one page, one area, sprintf view, level WARN.
 */
#include <asm/debug.h>

#include "glue.h"

#define VFIO_AP_DBF_LEVEL 4	/* DBF_WARN */

static debug_info_t *vfio_ap_dbf_info;

int vfio_ap_glue_dbf_register(void)
{
	vfio_ap_dbf_info = debug_register("vfio_ap", 1, 1,
					  10 * sizeof(long));
	if (!vfio_ap_dbf_info)
		return -ENOENT;
	debug_register_view(vfio_ap_dbf_info, &debug_sprintf_view);
	debug_set_level(vfio_ap_dbf_info, VFIO_AP_DBF_LEVEL);
	return 0;
}

void vfio_ap_glue_dbf_unregister(void)
{
	debug_unregister(vfio_ap_dbf_info);
	vfio_ap_dbf_info = NULL;
}
