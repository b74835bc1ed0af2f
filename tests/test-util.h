/* test-util.h: helpers shared by the test programs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-folded.h"

/* test_folded_from_text: a report read strictly from folded @text; fails
 * the test if the text is not valid. */
LpFolded *test_folded_from_text (const char *text);
