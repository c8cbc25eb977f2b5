// SPDX-License-Identifier: GPL-2.0
/*
 * AP instructions of the real machine. The inline functions of asm/ap.h use
 * PQAP with exception-table fixups, which Rust cannot express, so each one is
 * wrapped here and nothing else is done.
 */
#include <asm/ap.h>

#include "glue.h"

bool vfio_ap_hw_instructions_available(void)
{
	return ap_instructions_available();
}
