/* lp-source-signal.h: what the in-process source offers beyond lp_sampler_attach_self().
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_source_signal_forget_after_fork: in a child forked while an
 * in-process sampler ran, forgets that run (its timers and its thread were
 * not inherited); call from a pthread_atfork() child handler. */
void lp_source_signal_forget_after_fork (void);

G_END_DECLS
