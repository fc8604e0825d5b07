package org.h2cl.progress;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the progress channel: a daemon thread that reads every seed's record from
 * {@link ProgressFiles} at the view's poll interval and shows the {@link ProgressBoard} through a
 * {@link ProgressView}. The job tells it when a seed's job has finished or failed.
 */
public final class ProgressMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressMonitor.class);

  private final ProgressFiles files;
  private final ProgressView view;
  private final LongSupplier clock;
  private final ProgressBoard board;
  private ScheduledExecutorService timer;
  private boolean warned;

  public ProgressMonitor(ProgressFiles files, List<Integer> seeds, ProgressView view) {
    this(files, seeds, view, System::currentTimeMillis);
  }

  ProgressMonitor(ProgressFiles files, List<Integer> seeds, ProgressView view, LongSupplier clock) {
    this.files = files;
    this.view = view;
    this.clock = clock;
    this.board = new ProgressBoard(seeds, clock.getAsLong());
  }

  public ProgressBoard board() {
    return board;
  }

  /**
   * Starts showing progress.
   *
   * @param executorsInThisJvm whether the executors run in this JVM (Spark local mode)
   */
  public synchronized void start(boolean executorsInThisJvm) {
    view.start(executorsInThisJvm);
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "h2-progress");
              t.setDaemon(true);
              return t;
            });
    long every = view.pollInterval().toMillis();
    timer.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
  }

  /** The seed's job returned its result: its final record is read now, not at the next poll. */
  public void finished(int seed) {
    read(seed);
    board.finished(seed);
  }

  /** The seed's job failed for good. */
  public void failed(int seed, String why) {
    read(seed);
    board.failed(seed, why);
  }

  /** The job is shutting down, which stopped the seed's job. */
  public void interrupted(int seed) {
    read(seed);
    board.interrupted(seed);
  }

  /** Stops polling and shows the final state. */
  @Override
  public synchronized void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer = null;
    board.seeds().forEach(this::read);
    view.stop(board, clock.getAsLong());
  }

  private void poll() {
    // An exception would end the scheduled task silently; progress is worth a warning, not more.
    try {
      board.seeds().forEach(this::read);
      view.show(board, clock.getAsLong());
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn("progress display failed ({}); training goes on", e.toString());
      }
    }
  }

  private void read(int seed) {
    files.read(seed).ifPresent(p -> board.offer(p, clock.getAsLong()));
  }
}
