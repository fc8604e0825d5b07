package org.h2cl.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a {@link ProgressBoard} while the seeds train: on an interactive terminal a block redrawn
 * in place ({@link #live}), elsewhere (cluster logs, CI, redirected output) periodic log lines
 * ({@link #lines}).
 *
 * <p>Where the executors share the driver's JVM (Spark local mode) their per-epoch log lines
 * ({@link ProgressLog#EPOCH_LOGGER}) would repeat what the view shows, so the view mutes them while
 * it runs, unless it is verbose.
 */
public abstract class ProgressView {

  /** The logger of the driver's progress lines. */
  public static final String LOGGER = "org.h2cl.progress";

  /** How often {@link #lines} repeats every running seed's line. */
  public static final Duration LINE_INTERVAL = Duration.ofSeconds(60);

  private final boolean verbose;
  private Level epochLevel;

  ProgressView(boolean verbose) {
    this.verbose = verbose;
  }

  /**
   * The view for this process: {@link #live} on {@code System.out} when it is an interactive
   * terminal ({@code System.console()} exists and {@code TERM} is not {@code dumb}), else {@link
   * #lines} through the logger {@value #LOGGER}.
   *
   * @param verbose keep the executors' epoch lines in local mode
   */
  public static ProgressView forConsole(boolean verbose) {
    if (interactive(System.console() != null, System.getenv("TERM"))) {
      return live(System.out, terminalWidth(System.getenv("COLUMNS")), verbose);
    }
    return logLines(verbose);
  }

  /**
   * {@link #lines} at INFO through the logger {@value #LOGGER}, every {@link #LINE_INTERVAL},
   * reading the records every 5 seconds.
   */
  public static ProgressView logLines(boolean verbose) {
    Logger log = LoggerFactory.getLogger(LOGGER);
    return lines(log::info, LINE_INTERVAL, Duration.ofSeconds(5), verbose);
  }

  /** Whether output can be redrawn in place: a console, and a terminal that is not "dumb". */
  static boolean interactive(boolean console, String term) {
    return console && !"dumb".equals(term);
  }

  /** {@code COLUMNS} when the shell exported it, else 80. */
  static int terminalWidth(String columns) {
    try {
      int w = Integer.parseInt(String.valueOf(columns).trim());
      return w >= 20 ? w : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /**
   * A block of one line per seed and a line for the run, redrawn in place on {@code out} (ANSI
   * cursor-up and clear-line) every second; log lines printed meanwhile scroll above it. Lines are
   * cut to {@code width} − 1 characters, so that none wraps and the redraw stays in place.
   */
  public static ProgressView live(PrintStream out, int width, boolean verbose) {
    return new LiveView(out, width, verbose);
  }

  /**
   * A seed's line each time it starts, enters a phase, ends a task, finishes or fails, and every
   * running seed's line with the run's line every {@code every}, each as one call of {@code log}.
   *
   * @param poll how often the records are read
   */
  public static ProgressView lines(
      Consumer<String> log, Duration every, Duration poll, boolean verbose) {
    return new LineView(log, every, poll, verbose);
  }

  /** How often the monitor should read the records for this view. */
  public abstract Duration pollInterval();

  /**
   * Called once before the seeds start.
   *
   * @param executorsInThisJvm whether the executors run in this JVM (Spark local mode)
   */
  public void start(boolean executorsInThisJvm) {
    if (executorsInThisJvm && !verbose) {
      epochLevel = LogManager.getLogger(ProgressLog.EPOCH_LOGGER).getLevel();
      Configurator.setLevel(ProgressLog.EPOCH_LOGGER, Level.WARN);
    }
  }

  /** Shows {@code board} as of {@code nowMillis}; called after every poll. */
  public abstract void show(ProgressBoard board, long nowMillis);

  /**
   * Shows the final state once the seeds are done; afterwards logging is as before {@link #start}.
   */
  public void stop(ProgressBoard board, long nowMillis) {
    try {
      finish(board, nowMillis);
    } finally {
      if (epochLevel != null) {
        Configurator.setLevel(ProgressLog.EPOCH_LOGGER, epochLevel);
        epochLevel = null;
      }
    }
  }

  /** Shows the final state. */
  abstract void finish(ProgressBoard board, long nowMillis);
}
