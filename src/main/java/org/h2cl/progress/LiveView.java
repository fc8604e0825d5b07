package org.h2cl.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ProgressView#live}: the block is redrawn by moving the cursor up over the lines drawn last
 * time and rewriting each. Anything else printed in between would be overwritten, so while the view
 * runs the console log appenders go through {@link ConsoleGuard}, which clears the block, lets the
 * log line scroll up, and redraws the block below it.
 */
final class LiveView extends ProgressView {

  private static final String ESC = "\u001b[";

  private final PrintStream out;
  private final int width;
  private List<String> block = List.of();
  private int drawn;
  private Runnable unguard = () -> {};

  LiveView(PrintStream out, int width, boolean verbose) {
    super(verbose);
    this.out = out;
    this.width = width;
  }

  @Override
  public Duration pollInterval() {
    return Duration.ofSeconds(1);
  }

  @Override
  public void start(boolean executorsInThisJvm) {
    super.start(executorsInThisJvm);
    unguard = ConsoleGuard.install(this);
  }

  @Override
  public synchronized void show(ProgressBoard board, long now) {
    List<String> lines = new ArrayList<>(board.lines(now));
    lines.add(board.footer(now));
    block = lines;
    redraw();
  }

  @Override
  void finish(ProgressBoard board, long now) {
    try {
      show(board, now);
    } finally {
      unguard.run();
      synchronized (this) {
        // The final block stays on the screen, above whatever comes next.
        drawn = 0;
      }
    }
  }

  /** Runs {@code print} (which writes a log line) with the block out of its way. */
  synchronized void around(Runnable print) {
    clear();
    try {
      print.run();
    } finally {
      redraw();
    }
  }

  private void clear() {
    if (drawn > 0) {
      out.print(ESC + drawn + "A\r" + ESC + "J");
      out.flush();
      drawn = 0;
    }
  }

  private void redraw() {
    StringBuilder s = new StringBuilder();
    if (drawn > 0) {
      s.append(ESC).append(drawn).append('A');
    }
    for (String line : block) {
      s.append('\r').append(ESC).append("2K").append(cut(line)).append('\n');
    }
    if (block.size() < drawn) {
      s.append(ESC).append('J');
    }
    out.print(s);
    out.flush();
    drawn = block.size();
  }

  private String cut(String line) {
    return line.length() < width ? line : line.substring(0, Math.max(0, width - 1));
  }
}
