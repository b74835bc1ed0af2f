/* lp-capture-recorder.h: a sampler's samples, with their time and thread, into a capture as it records.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-capture.h"
#include "lp-sampler.h"

G_BEGIN_DECLS

typedef struct _LpCaptureRecorder LpCaptureRecorder;

/* lp_capture_recorder_new: from now on every sample @sampler counts into
 * @aggregate (its dest), and every thread's end, is added to @capture,
 * which must outlive the recorder; @opts are the sampler's. Takes the
 * sampler's sample function. */
LpCaptureRecorder *lp_capture_recorder_new    (LpSampler              *sampler,
                                               const LpSamplerOptions *opts,
                                               LpFolded               *aggregate,
                                               LpCapture              *capture) G_GNUC_WARN_UNUSED_RESULT;
/* lp_capture_recorder_update: the facts known so far (process, command,
 * Python, lost samples, duration): call at each batch. */
void               lp_capture_recorder_update (LpCaptureRecorder *self);
/* lp_capture_recorder_finish: the end of the recording: @reason
 * ("exited", "stopped", "duration", "error") and the target's exit code
 * (-1 unknown). */
void               lp_capture_recorder_finish (LpCaptureRecorder    *self,
                                               const LpSamplerStats *stats,
                                               const char           *reason,
                                               int                   exit_code);
/* lp_capture_recorder_rename: the late names of the sampler's frames
 * (lp_sampler_names_late()), recorded into the capture
 * (lp_capture_rename_frame()); call before lp_capture_recorder_finish(). */
void               lp_capture_recorder_rename (LpCaptureRecorder *self,
                                               GPtrArray         *names);
void               lp_capture_recorder_free   (LpCaptureRecorder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpCaptureRecorder, lp_capture_recorder_free)

G_END_DECLS
