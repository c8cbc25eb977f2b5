// SPDX-License-Identifier: GPL-2.0
/*
 * AP instructions of the real machine. The inline functions of asm/ap.h use
 * PQAP with exception-table fixups, which Rust cannot express, so each one is
 * wrapped here and nothing else is done.
 */
#include <asm/ap.h>
#include <asm/facility.h>
#include <linux/module.h>

#include "ap_bus.h"

#include "glue.h"

bool vfio_ap_hw_instructions_available(void)
{
	return ap_instructions_available();
}

bool vfio_ap_hw_qci_installed(void)
{
	return test_facility(12);
}

int vfio_ap_hw_qci(struct ap_config_info *info)
{
	return ap_qci(info);
}

u8 vfio_ap_hw_tapq(u16 qid)
{
	return ap_tapq(qid, NULL).response_code;
}

u8 vfio_ap_hw_zapq(u16 qid)
{
	return ap_zapq(qid, 0).response_code;
}

u32 vfio_ap_hw_tapq_status(u16 qid)
{
	return ap_tapq(qid, NULL).value;
}

u32 vfio_ap_hw_aqic(u16 qid, u64 ctrl, u64 nib)
{
	union ap_qirq_ctrl qirqctrl = { .value = ctrl };

	return ap_aqic(qid, qirqctrl, nib).value;
}

int vfio_ap_hw_driver_register(struct ap_driver *drv)
{
	return ap_driver_register(drv, THIS_MODULE, "vfio_ap");
}

void vfio_ap_hw_driver_unregister(struct ap_driver *drv)
{
	ap_driver_unregister(drv);
}

u8 vfio_ap_hw_tapq_type(u16 qid, u8 *type)
{
	struct ap_tapq_hwinfo info = { .value = 0 };
	struct ap_queue_status status = ap_test_queue(qid, 1, &info);

	*type = info.at;
	return status.response_code;
}
