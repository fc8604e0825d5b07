/**
 * Observing a run while it trains, separate from the algorithm: everything here hangs on {@link
 * org.h2cl.h2.TrainingListener}.
 *
 * <p>On the executor, {@link org.h2cl.progress.ProgressLog} logs one line per epoch and per task,
 * and {@link org.h2cl.progress.ProgressRecorder} turns the same events into a {@link
 * org.h2cl.progress.SeedProgress} record that {@link org.h2cl.progress.ProgressFiles} writes as a
 * small JSON file under the checkpoint folder ({@code _progress/seed=<s>.json}). On the driver,
 * {@link org.h2cl.progress.ProgressMonitor} polls those files and hands the latest record of every
 * seed ({@link org.h2cl.progress.ProgressBoard}) to a {@link org.h2cl.progress.ProgressView}: a
 * block redrawn in place on a terminal, or periodic log lines elsewhere. {@link
 * org.h2cl.progress.WorkPlan} holds the time-left arithmetic.
 */
package org.h2cl.progress;
