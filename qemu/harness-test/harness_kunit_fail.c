// SPDX-License-Identifier: GPL-2.0
/* A KUnit suite with one passing and one failing test. */
#include <kunit/test.h>
#include <linux/module.h>

static void harness_kunit_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}

static void harness_kunit_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 2);
}

static struct kunit_case harness_kunit_cases[] = {
	KUNIT_CASE(harness_kunit_passes),
	KUNIT_CASE(harness_kunit_fails),
	{}
};

static struct kunit_suite harness_kunit_suite = {
	.name = "harness_kunit_fail",
	.test_cases = harness_kunit_cases,
};
kunit_test_suite(harness_kunit_suite);

MODULE_DESCRIPTION("vfio-ap-rs harness test: a failing KUnit test");
MODULE_LICENSE("GPL");
