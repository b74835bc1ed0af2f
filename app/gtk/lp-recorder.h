/* lp-recorder.h: runs `laprof-cli record --stream` and reads its batches on the main loop.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lp-capture.h"
#include "lp-folded.h"
#include "lp-stream.h"

G_BEGIN_DECLS

#define LP_TYPE_RECORDER (lp_recorder_get_type ())
G_DECLARE_FINAL_TYPE (LpRecorder, lp_recorder, LP, RECORDER, GObject)

typedef struct
{
  guint    frequency;   /* Hz */
  gboolean cpu_mode;    /* else wall */
  gboolean idle;        /* keep idle samples */
  gboolean use_pkexec;  /* run the engine as root through pkexec */
} LpRecorderOptions;

/* The recorder adds every stack it reads to @dest (which must outlive it)
 * and tells of each through the "stack" signal (an LpStreamEvent pointer,
 * valid during the emission), then "batch" (double time, guint64 samples,
 * guint64 lost) at the end of each batch, "output" (const char *line) for
 * each line the engine or the launched program writes on standard error,
 * "failed" (const char *message) for an engine error, "python" (gboolean
 * on, const char *text) when the engine says what it found of CPython in
 * the target (on: Python frames are in the stacks; text: the engine's
 * line, e.g. "Python 3.11.2 in /usr/bin/python3.11: Python frames on"),
 * and "ended" (const char *reason, int status) once, when the engine has
 * exited. */
LpRecorder *lp_recorder_new            (LpFolded *dest);

gboolean    lp_recorder_start_attach   (LpRecorder               *self,
                                        int                       pid,
                                        const LpRecorderOptions  *options,
                                        GError                  **error);
gboolean    lp_recorder_start_launch   (LpRecorder               *self,
                                        const char * const       *argv,
                                        const char               *directory,
                                        const LpRecorderOptions  *options,
                                        GError                  **error);

/* lp_recorder_set_capture: also rebuilds the recording with its times and
 * threads in @dest (nullable: none; it must outlive the recorder, or a
 * lp_recorder_cancel()) from the stream's #capture lines, before each
 * batch's "batch" signal. If a block cannot be read, the capture stops
 * there and an "output" line says why; the stacks go on. */
void        lp_recorder_set_capture    (LpRecorder *self,
                                        LpCapture  *dest);

/* lp_recorder_set_tee_file: keeps a copy of the raw stream in @path (the
 * engine's own record of what it sent; for checks and bug reports). */
gboolean    lp_recorder_set_tee_file   (LpRecorder  *self,
                                        const char  *path,
                                        GError     **error);

/* lp_recorder_stop: asks the engine to stop sampling, detach and finish
 * (SIGINT); "ended" follows. */
void        lp_recorder_stop           (LpRecorder *self);
/* lp_recorder_cancel: for an owner that goes away (a closed window, a
 * discarded recording): stops the engine as lp_recorder_stop() does, and
 * from now on emits no signal and writes nothing more into @dest, which
 * may then be freed. The engine's output is read and dropped until it
 * exits; it gets 3 s before it (and a program it launched) is killed.
 * Meanwhile the recorder keeps itself alive, and holds the default
 * GApplication so that the program does not exit before its engine. */
void        lp_recorder_cancel         (LpRecorder *self);
gboolean    lp_recorder_is_running     (LpRecorder *self);

double      lp_recorder_get_time       (LpRecorder *self);
guint64     lp_recorder_get_samples    (LpRecorder *self);
guint64     lp_recorder_get_lost       (LpRecorder *self);
guint       lp_recorder_get_n_batches  (LpRecorder *self);
int         lp_recorder_get_pid        (LpRecorder *self);
const char *lp_recorder_get_command    (LpRecorder *self);
/* from the stream's header, once it came: "wall" or "cpu", and the period
 * between samples in seconds (else NULL and 0) */
const char *lp_recorder_get_mode       (LpRecorder *self);
double      lp_recorder_get_period     (LpRecorder *self);
/* whether the engine's last "python" line said Python frames are on;
 * @text (nullable) gets that line's text, owned by the recorder, or NULL
 * if none came (a native program, an engine run with --no-python) */
gboolean    lp_recorder_get_python     (LpRecorder  *self,
                                        const char **text);
/* lp_recorder_get_debuginfo: how far the debug files the engine fetches
 * from debuginfod are, in a sentence (the "debuginfo" signal's), or NULL
 * if it fetches none. Owned by the recorder. */
const char *lp_recorder_get_debuginfo  (LpRecorder *self);
/* TRUE if the engine launched the target (else it attached to it) */
gboolean    lp_recorder_is_launch      (LpRecorder *self);
/* the engine's process id, or 0 before the start or after it ended */
int         lp_recorder_get_engine_pid (LpRecorder *self);

/* lp_recorder_find_cli: the laprof-cli to run: $LAPROF_CLI, the one built
 * beside this program, the installed one, or the PATH's. You own it. */
char       *lp_recorder_find_cli       (void);

G_END_DECLS
