package org.h2cl.progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.h2cl.progress.SeedProgress.Event;

/**
 * The driver's picture of every seed: the newest record each has reported, when the driver first
 * saw it, and what the driver itself knows (a seed's job finished or failed). Formats one line per
 * seed and a line for the run, e.g.
 *
 * <pre>
 * seed 3  task 2/5  TRAIN      epoch  41/100  loss 0.213  acc  93.1%  ETA 1h12m
 * run: 1 running, 1 waiting  elapsed 25m10s
 * </pre>
 *
 * <p>The time left counts down from the record's estimate by the time since the driver saw it
 * (driver clock only, so executor clocks need not agree with it).
 */
public final class ProgressBoard {

  /** What the driver knows of a seed. */
  public enum State {
    /** No record yet: its Spark task has not started (or not reported). */
    WAITING,
    RUNNING,
    FINISHED,
    /** Its Spark job failed for good. */
    FAILED,
    /** The job was shut down (SIGTERM, Ctrl-C) while it ran; its checkpoints resume it. */
    INTERRUPTED
  }

  /** Width of a running seed's line between the seed and the time left, so that ETAs align. */
  private static final int BODY = 58;

  private static final class Seed {
    SeedProgress latest;
    long seenAt;
    State state = State.WAITING;
    String failure = "";
  }

  private final Map<Integer, Seed> seeds = new LinkedHashMap<>();
  private final long startedAt;
  private final int seedWidth;

  /**
   * @param seeds the run's seeds, in display order
   * @param startedAtMillis when the run started (driver clock)
   */
  public ProgressBoard(List<Integer> seeds, long startedAtMillis) {
    for (int s : seeds) {
      this.seeds.put(s, new Seed());
    }
    this.startedAt = startedAtMillis;
    this.seedWidth = seeds.stream().mapToInt(s -> Integer.toString(s).length()).max().orElse(1);
  }

  public synchronized List<Integer> seeds() {
    return List.copyOf(seeds.keySet());
  }

  /**
   * Takes {@code p} if it is newer than what the board has for its seed.
   *
   * @return whether the board changed
   */
  public synchronized boolean offer(SeedProgress p, long nowMillis) {
    Seed s = seeds.get(p.seed());
    if (s == null || (s.latest != null && !p.isNewerThan(s.latest))) {
      return false;
    }
    s.latest = p;
    s.seenAt = nowMillis;
    if (s.state != State.FAILED && s.state != State.INTERRUPTED) {
      s.state = p.event() == Event.FINISHED ? State.FINISHED : State.RUNNING;
    }
    return true;
  }

  /** The driver has the seed's result. */
  public synchronized void finished(int seed) {
    seeds.get(seed).state = State.FINISHED;
  }

  /** The seed's job failed for good, because of {@code why}. */
  public synchronized void failed(int seed, String why) {
    Seed s = seeds.get(seed);
    s.state = State.FAILED;
    s.failure = why;
  }

  /** The job is shutting down, which stopped the seed's Spark job. */
  public synchronized void interrupted(int seed) {
    seeds.get(seed).state = State.INTERRUPTED;
  }

  public synchronized State state(int seed) {
    return seeds.get(seed).state;
  }

  public synchronized Optional<SeedProgress> latest(int seed) {
    return Optional.ofNullable(seeds.get(seed).latest);
  }

  /**
   * What the seed is doing, coarsely: changes when it starts, enters a phase, ends a task, finishes
   * or fails, and not with every epoch.
   */
  public synchronized String stage(int seed) {
    Seed s = seeds.get(seed);
    SeedProgress p = s.latest;
    if (s.state != State.RUNNING || p == null) {
      return s.state.name();
    }
    String what = p.event() == Event.TASK || p.event() == Event.STARTED ? p.event().name() : "";
    return "RUNNING " + p.attempt() + " " + p.task() + " " + p.phase() + " " + what;
  }

  /** One line per seed, in the board's order. */
  public synchronized List<String> lines(long nowMillis) {
    List<String> lines = new ArrayList<>();
    for (int seed : seeds.keySet()) {
      lines.add(line(seed, nowMillis));
    }
    return lines;
  }

  /** The line of {@code seed}. */
  public synchronized String line(int seed, long nowMillis) {
    Seed s = seeds.get(seed);
    SeedProgress p = s.latest;
    String head = String.format(Locale.ROOT, "seed %" + seedWidth + "d  ", seed);
    String attempt = p != null && p.attempt() > 0 ? "  (attempt " + (p.attempt() + 1) + ")" : "";
    return switch (s.state) {
      case WAITING -> head + "waiting for a task slot";
      case FAILED -> head + "FAILED: " + s.failure;
      case INTERRUPTED -> head + "INTERRUPTED: the same command resumes it from its checkpoints";
      case FINISHED -> head + finished(p) + attempt;
      case RUNNING ->
          head + pad(running(p)) + "  ETA " + duration(secondsLeft(s, nowMillis)) + attempt;
    };
  }

  /** The run's line: how many seeds are in which state, time since the start, time left. */
  public synchronized String footer(long nowMillis) {
    Map<State, Long> count =
        seeds.values().stream().collect(Collectors.groupingBy(s -> s.state, Collectors.counting()));
    List<String> parts = new ArrayList<>();
    for (State st :
        List.of(State.RUNNING, State.WAITING, State.FINISHED, State.FAILED, State.INTERRUPTED)) {
      if (count.getOrDefault(st, 0L) > 0) {
        parts.add(count.get(st) + " " + st.name().toLowerCase(Locale.ROOT));
      }
    }
    String line =
        "run: "
            + String.join(", ", parts)
            + "  elapsed "
            + duration((nowMillis - startedAt) / 1000.0);
    double left = runSecondsLeft(nowMillis);
    return Double.isNaN(left) ? line : line + "  ETA " + duration(left);
  }

  /**
   * The run's time left: the longest of the running seeds'; unknown (NaN) while a seed waits for a
   * slot or a running seed has no estimate yet, and when no seed is running.
   */
  synchronized double runSecondsLeft(long nowMillis) {
    double left = Double.NaN;
    for (Seed s : seeds.values()) {
      if (s.state == State.WAITING) {
        return Double.NaN;
      }
      if (s.state == State.RUNNING) {
        double l = secondsLeft(s, nowMillis);
        if (Double.isNaN(l)) {
          return Double.NaN;
        }
        left = Double.isNaN(left) ? l : Math.max(left, l);
      }
    }
    return left;
  }

  private static double secondsLeft(Seed s, long nowMillis) {
    return Math.max(0, s.latest.secondsLeft() - (nowMillis - s.seenAt) / 1000.0);
  }

  private static String running(SeedProgress p) {
    String task = "task " + p.task() + "/" + p.tasks() + "  ";
    return switch (p.event()) {
      case STARTED ->
          p.resumedFromTask() > 0
              ? "starting, resuming after task " + p.resumedFromTask()
              : "starting";
      case TASK -> task + "done, test acc " + percent(p.testAccuracy().get(p.task() - 1)).strip();
      default ->
          task
              + String.format(
                  Locale.ROOT,
                  "%-9s  epoch %3d/%-3d  loss %s  acc %s",
                  p.phase(),
                  p.epoch(),
                  p.epochs(),
                  Double.isNaN(p.loss()) ? "    -" : String.format(Locale.ROOT, "%5.3f", p.loss()),
                  percent(p.trainAccuracy()));
    };
  }

  private static String finished(SeedProgress p) {
    if (p == null || p.event() != Event.FINISHED) {
      return "finished";
    }
    String acc =
        p.testAccuracy().stream()
            .map(a -> Double.isNaN(a) ? "-" : String.format(Locale.ROOT, "%.1f", a))
            .collect(Collectors.joining(" "));
    return "finished in "
        + duration(p.elapsedSeconds())
        + (p.resumedFromTask() > 0 ? " (resumed after task " + p.resumedFromTask() + ")" : "")
        + "  test acc "
        + acc;
  }

  private static String percent(double a) {
    return Double.isNaN(a) ? "     -" : String.format(Locale.ROOT, "%5.1f%%", a);
  }

  private static String pad(String body) {
    return body.length() >= BODY ? body : body + " ".repeat(BODY - body.length());
  }

  /** A duration for people: 45s, 12m05s, 1h12m, 2d03h; "?" when unknown (NaN). */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "?";
    }
    long s = Math.round(Math.max(0, seconds));
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
  }
}
