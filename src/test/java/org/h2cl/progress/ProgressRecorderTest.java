package org.h2cl.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.data.SyntheticCifar;
import org.h2cl.h2.Phase;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.SeedRunner;
import org.h2cl.h2.TrainingListener;
import org.h2cl.h2.TrainingListener.EpochEnd;
import org.h2cl.h2.TrainingListener.PhaseStart;
import org.h2cl.h2.TrainingListener.SeedStart;
import org.h2cl.progress.SeedProgress.Event;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events of a tiny real seed, in order, as {@link SeedRunner} and the trainer report them, and
 * the progress records made of them; then the same for a seed resumed after task 2.
 */
class ProgressRecorderTest {

  @TempDir static Path dir;
  private static H2Settings settings;
  private static WorkPlan plan;

  @BeforeAll
  static void data() {
    settings = SettingsFixture.tiny(dir.resolve("out").toUri().toString());
    SyntheticCifar.ensure(settings.data(), new Configuration());
    plan = WorkPlan.of(settings);
  }

  /** Records every listener call as a line. */
  static final class Events implements TrainingListener {
    final List<String> lines = new ArrayList<>();

    @Override
    public void seedStarted(SeedStart e) {
      lines.add(
          "seedStarted " + e.seed() + " tasks " + e.tasks() + " resumed " + e.resumedFromTask());
    }

    @Override
    public void taskStarted(TaskStart e) {
      lines.add("taskStarted " + e.task());
    }

    @Override
    public void phaseStarted(PhaseStart e) {
      lines.add("phaseStarted " + e.task() + " " + e.phase() + " x" + e.epochs());
    }

    @Override
    public void epochEnded(EpochEnd e) {
      lines.add(
          "epochEnded " + e.task() + " " + e.phase() + " " + (e.epoch() + 1) + "/" + e.epochs());
    }

    @Override
    public void taskEnded(TaskEnd e) {
      lines.add("taskEnded " + e.outcome().task());
    }

    @Override
    public void seedEnded(SeedResult result) {
      lines.add("seedEnded " + result.seed());
    }
  }

  /** What docs/ALGORITHM.md's order of phases gives for the tasks after {@code resumed}. */
  private static List<String> expectedEvents(int seed, int resumed) {
    List<String> e = new ArrayList<>();
    e.add("seedStarted " + seed + " tasks 5 resumed " + resumed);
    for (int t = resumed + 1; t <= 5; t++) {
      e.add("taskStarted " + t);
      if (t >= 2) {
        phase(e, t, Phase.ASSOCIATE, settings.association().epochs());
      }
      phase(e, t, Phase.TRAIN, settings.train().epochs());
      phase(e, t, Phase.RETRAIN, settings.retrain().epochs());
      e.add("taskEnded " + t);
    }
    e.add("seedEnded " + seed);
    return e;
  }

  private static void phase(List<String> e, int task, Phase phase, int epochs) {
    e.add("phaseStarted " + task + " " + phase + " x" + epochs);
    for (int i = 1; i <= epochs; i++) {
      e.add("epochEnded " + task + " " + phase + " " + i + "/" + epochs);
    }
  }

  /** The record each event makes: none for taskStarted. */
  private static List<Event> recordsOf(List<String> events) {
    List<Event> r = new ArrayList<>();
    for (String e : events) {
      String kind = e.substring(0, e.indexOf(' '));
      switch (kind) {
        case "seedStarted" -> r.add(Event.STARTED);
        case "phaseStarted" -> r.add(Event.PHASE);
        case "epochEnded" -> r.add(Event.EPOCH);
        case "taskEnded" -> r.add(Event.TASK);
        case "seedEnded" -> r.add(Event.FINISHED);
        default -> {}
      }
    }
    return r;
  }

  @Test
  void aSeedReportsItsEventsInOrderAndARecordForEach() {
    Events events = new Events();
    List<SeedProgress> records = new ArrayList<>();
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt-a").toUri().toString(), "fp");
    SeedResult result =
        SeedRunner.run(
            settings,
            0,
            store,
            TrainingListener.all(events, new ProgressRecorder("run-a", 0, plan, records::add)));

    assertEquals(expectedEvents(0, 0), events.lines);
    assertEquals(recordsOf(events.lines), records.stream().map(SeedProgress::event).toList());
    checkRecords(records, "run-a", 0, 0);
    assertEquals(
        result.tasks().stream().map(t -> t.outcome().accAfterTask()).toList(),
        records.get(records.size() - 1).testAccuracy());
  }

  @Test
  void aResumedSeedStartsAfterItsCheckpointAndCountsTheRestoredEpochsAsDone() {
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt-b").toUri().toString(), "fp");
    TrainingListener crashAfterTask2 =
        new TrainingListener() {
          @Override
          public void taskEnded(TaskEnd e) {
            if (e.outcome().task() == 2) {
              throw new IllegalStateException("crash");
            }
          }
        };
    List<SeedProgress> first = new ArrayList<>();
    assertThrows(
        IllegalStateException.class,
        () ->
            SeedRunner.run(
                settings,
                1,
                store,
                TrainingListener.all(
                    new ProgressRecorder("run-b", 0, plan, first::add), crashAfterTask2)));
    assertEquals(Event.TASK, first.get(first.size() - 1).event());
    assertEquals(plan.epochsBefore(3), first.get(first.size() - 1).epochsDone());

    Events events = new Events();
    List<SeedProgress> records = new ArrayList<>();
    SeedRunner.run(
        settings,
        1,
        store,
        TrainingListener.all(events, new ProgressRecorder("run-b", 1, plan, records::add)));

    assertEquals(expectedEvents(1, 2), events.lines);
    assertEquals(recordsOf(events.lines), records.stream().map(SeedProgress::event).toList());
    checkRecords(records, "run-b", 1, 2);
    List<Double> acc = records.get(records.size() - 1).testAccuracy();
    assertTrue(acc.get(0).isNaN() && acc.get(1).isNaN(), "restored tasks: " + acc);
    assertTrue(acc.subList(2, 5).stream().noneMatch(a -> a.isNaN()), "trained tasks: " + acc);
  }

  /** Numbering, position and estimate of one attempt's records. */
  private static void checkRecords(
      List<SeedProgress> records, String runId, int attempt, int resumed) {
    int done = plan.epochsBefore(resumed + 1);
    for (int i = 0; i < records.size(); i++) {
      SeedProgress p = records.get(i);
      assertEquals(runId, p.runId());
      assertEquals(attempt, p.attempt());
      assertEquals(i + 1, p.counter());
      assertEquals(resumed, p.resumedFromTask());
      assertEquals(plan.total(), p.epochsTotal());
      if (p.event() == Event.EPOCH) {
        done++;
        assertTrue(p.secondsPerEpoch() > 0, p.toString());
        assertEquals(
            (plan.total() - done) * p.secondsPerEpoch(), p.secondsLeft(), 1e-9, p.toString());
      }
      assertEquals(done, p.epochsDone(), p.toString());
    }
    assertEquals(plan.total(), done);
    assertEquals(0, records.get(records.size() - 1).secondsLeft());
  }

  @Test
  void theEstimateUsesTheWallTimeBetweenEpochs() {
    // T 2, A 1, E 2, R 1: task 1 has 3 epochs, task 2 has 4.
    WorkPlan small = new WorkPlan(2, 1, 2, 1);
    AtomicLong now = new AtomicLong(0);
    List<SeedProgress> records = new ArrayList<>();
    ProgressRecorder r = new ProgressRecorder("r", 0, small, records::add, now::get);
    r.seedStarted(new SeedStart(4, 2, 0));
    r.phaseStarted(new PhaseStart(4, 1, Phase.TRAIN, 2));
    now.set(10_000);
    r.epochEnded(new EpochEnd(4, 1, Phase.TRAIN, 0, 2, 0.7, 55, 9.5));
    SeedProgress first = records.get(records.size() - 1);
    assertEquals(10, first.secondsPerEpoch(), 1e-12);
    assertEquals(6 * 10, first.secondsLeft(), 1e-9);
    now.set(30_000);
    r.epochEnded(new EpochEnd(4, 1, Phase.TRAIN, 1, 2, 0.6, 65, 19.5));
    SeedProgress second = records.get(records.size() - 1);
    assertEquals(12, second.secondsPerEpoch(), 1e-12); // 0.2 * 20 + 0.8 * 10
    assertEquals(5 * 12, second.secondsLeft(), 1e-9);
    assertEquals(30, second.elapsedSeconds(), 1e-12);
    assertEquals(30_000, second.writtenAtMillis());
    assertEquals(
        List.of(2, 1, 2, 0.6, 65.0),
        List.of(
            second.epoch(), second.task(), second.epochs(), second.loss(), second.trainAccuracy()));
    assertEquals(Collections.nCopies(2, Double.NaN), second.testAccuracy());
  }

  @Test
  void aRecordThatCannotBeDeliveredDoesNotStopTraining() {
    ProgressRecorder r =
        new ProgressRecorder(
            "r",
            0,
            plan,
            p -> {
              throw new IllegalStateException("file system full");
            });
    r.seedStarted(new SeedStart(0, 5, 0));
    r.phaseStarted(new PhaseStart(0, 1, Phase.TRAIN, 2));
    r.epochEnded(new EpochEnd(0, 1, Phase.TRAIN, 0, 2, 0.7, 55, 1));
  }
}
