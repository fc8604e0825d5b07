package org.h2cl.progress;

import static org.h2cl.progress.Records.epoch;
import static org.h2cl.progress.Records.record;
import static org.h2cl.progress.Records.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.h2cl.h2.Phase;
import org.h2cl.progress.SeedProgress.Event;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The two displays: ANSI redraw in place, and log lines on changes and at an interval. */
class ProgressViewTest {

  private static final String ESC = "\u001b[";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final ProgressBoard board = new ProgressBoard(List.of(0, 1), 0);

  private String taken() {
    String s = bytes.toString(StandardCharsets.UTF_8);
    bytes.reset();
    return s;
  }

  private static String drawn(String... lines) {
    StringBuilder s = new StringBuilder();
    for (String l : lines) {
      s.append('\r').append(ESC).append("2K").append(l).append('\n');
    }
    return s.toString();
  }

  @Test
  void theLiveBlockIsRedrawnInPlaceAndCutToTheTerminalWidth() {
    LiveView view = new LiveView(out, 80, true);
    board.offer(epoch(0, 1, 1, Phase.TRAIN, 1, 6), 0);
    view.show(board, 0);
    String seed0 = board.line(0, 0);
    assertEquals(
        drawn(seed0, "seed 1  waiting for a task slot", "run: 1 running, 1 waiting  elapsed 0s"),
        taken());

    // Up over the three lines drawn, then each rewritten.
    view.show(board, 2000);
    assertEquals(
        ESC
            + "3A"
            + drawn(
                seed0.replace("ETA 1m40s", "ETA 1m38s"),
                "seed 1  waiting for a task slot",
                "run: 1 running, 1 waiting  elapsed 2s"),
        taken());

    // Something else printed: the block is cleared, the text goes above, the block is redrawn.
    view.around(() -> out.print("a log line\n"));
    String around = taken();
    assertTrue(
        around.startsWith(
            ESC
                + "3A\r"
                + ESC
                + "J"
                + "a log line\n"
                + drawn(seed0.replace("ETA 1m40s", "ETA 1m38s"))),
        around);

    LiveView narrow = new LiveView(out, 20, true);
    narrow.show(board, 0);
    assertEquals(
        drawn("seed 0  task 1/5  T", "seed 1  waiting for", "run: 1 running, 1 w"), taken());
  }

  @Test
  void logLinesGoAboveTheLiveBlockWhileItRuns() {
    LiveView view = new LiveView(out, 80, false);
    view.start(false);
    try {
      view.show(board, 0);
      taken();
      LoggerFactory.getLogger("org.h2cl.progress.test").warn("something to say");
      // The console appender wrote the line to stderr between the clear and the redraw.
      List<String> block = new ArrayList<>(board.lines(0));
      block.add(board.footer(0));
      assertEquals(ESC + "3A\r" + ESC + "J" + drawn(block.toArray(String[]::new)), taken());
    } finally {
      view.stop(board, 0);
    }
    taken();
    LoggerFactory.getLogger("org.h2cl.progress.test").warn("after the view stopped");
    assertEquals("", taken());
  }

  @Test
  void inLocalModeTheExecutorsEpochLinesAreMutedUnlessVerbose() {
    var epochs = LogManager.getLogger(ProgressLog.EPOCH_LOGGER);
    assertTrue(epochs.isInfoEnabled());
    ProgressView quiet =
        ProgressView.lines(l -> {}, Duration.ofMinutes(1), Duration.ofSeconds(1), false);
    quiet.start(true);
    assertFalse(epochs.isInfoEnabled());
    quiet.stop(board, 0);
    assertTrue(epochs.isInfoEnabled());

    ProgressView verbose =
        ProgressView.lines(l -> {}, Duration.ofMinutes(1), Duration.ofSeconds(1), true);
    verbose.start(true);
    assertTrue(epochs.isInfoEnabled());
    verbose.stop(board, 0);

    ProgressView cluster =
        ProgressView.lines(l -> {}, Duration.ofMinutes(1), Duration.ofSeconds(1), false);
    cluster.start(false);
    assertTrue(epochs.isInfoEnabled());
    cluster.stop(board, 0);
  }

  @Test
  void logLinesComeOnChangesOfStageAndEveryIntervalForRunningSeeds() {
    List<String> log = new ArrayList<>();
    ProgressView view =
        ProgressView.lines(log::add, Duration.ofSeconds(60), Duration.ofSeconds(5), false);

    board.offer(epoch(0, 1, 1, Phase.TRAIN, 1, 6), 0);
    view.show(board, 0);
    assertEquals(List.of(board.line(0, 0)), log);

    log.clear();
    board.offer(epoch(0, 2, 1, Phase.TRAIN, 2, 6), 5_000);
    view.show(board, 5_000);
    assertEquals(List.of(), log, "a new epoch of the same phase");

    board.offer(epoch(0, 3, 1, Phase.RETRAIN, 1, 2), 10_000);
    view.show(board, 10_000);
    assertEquals(List.of(board.line(0, 10_000)), log, "a new phase");

    log.clear();
    view.show(board, 59_000);
    assertEquals(List.of(), log);
    view.show(board, 60_000);
    assertEquals(List.of(board.line(0, 60_000), "run: 1 running, 1 waiting  elapsed 1m00s"), log);

    log.clear();
    SeedProgress done = record(0, 0, 9, Event.FINISHED, 5, Phase.RETRAIN, 2, 2, 0.1, 99, 0);
    board.offer(with(done, List.of(90.0, 91.0, 92.0, 93.0, 94.0), 0, 70), 70_000);
    board.failed(1, "boom");
    view.stop(board, 70_000);
    assertEquals(
        List.of(
            "seed 0  finished in 1m10s  test acc 90.0 91.0 92.0 93.0 94.0",
            "seed 1  FAILED: boom",
            "run: 1 finished, 1 failed  elapsed 1m10s"),
        log);
  }

  @Test
  void onlyAConsoleThatIsNotDumbIsInteractive() {
    assertTrue(ProgressView.interactive(true, "xterm"));
    assertTrue(ProgressView.interactive(true, null));
    assertFalse(ProgressView.interactive(true, "dumb"));
    assertFalse(ProgressView.interactive(false, "xterm"));
    assertEquals(80, ProgressView.terminalWidth(null));
    assertEquals(80, ProgressView.terminalWidth("wide"));
    assertEquals(132, ProgressView.terminalWidth("132"));
  }
}
