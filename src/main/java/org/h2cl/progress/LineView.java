package org.h2cl.progress;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** {@link ProgressView#lines}: log lines on changes of stage and at a fixed interval. */
final class LineView extends ProgressView {

  private final Consumer<String> log;
  private final Duration every;
  private final Duration poll;
  private final Map<Integer, String> shownStage = new HashMap<>();
  private long lastRound = Long.MIN_VALUE;

  LineView(Consumer<String> log, Duration every, Duration poll, boolean verbose) {
    super(verbose);
    this.log = log;
    this.every = every;
    this.poll = poll;
  }

  @Override
  public Duration pollInterval() {
    return poll;
  }

  @Override
  public synchronized void show(ProgressBoard board, long now) {
    if (lastRound == Long.MIN_VALUE) {
      lastRound = now;
    }
    boolean round = now - lastRound >= every.toMillis();
    for (int seed : board.seeds()) {
      ProgressBoard.State state = board.state(seed);
      boolean changed = !board.stage(seed).equals(shownStage.get(seed));
      if (state != ProgressBoard.State.WAITING
          && (changed || (round && state == ProgressBoard.State.RUNNING))) {
        log.accept(board.line(seed, now));
      }
      shownStage.put(seed, board.stage(seed));
    }
    if (round) {
      log.accept(board.footer(now));
      lastRound = now;
    }
  }

  @Override
  synchronized void finish(ProgressBoard board, long now) {
    if (lastRound == Long.MIN_VALUE) {
      lastRound = now;
    }
    for (int seed : board.seeds()) {
      if (!board.stage(seed).equals(shownStage.get(seed))) {
        log.accept(board.line(seed, now));
        shownStage.put(seed, board.stage(seed));
      }
    }
    log.accept(board.footer(now));
  }
}
