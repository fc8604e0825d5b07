package org.h2cl.spark;

import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.CheckpointEstimate;
import org.h2cl.results.OutputFolder;
import org.h2cl.storage.FreeSpace;
import org.h2cl.storage.RunFolder;
import org.h2cl.storage.StorageException;

/**
 * The output and checkpoint folders of a run: {@link #check} refuses, before anything is read or
 * trained, what would fail or do harm later (a file in a folder's place, a folder in use by another
 * run, files the job did not write, too little space for the checkpoints the settings imply);
 * {@link #take} then creates, locks and marks both, once every input was found good.
 */
final class RunFolders {

  /** Room for the four result tables (tens of KB each at the paper's size) and the markers. */
  static final long TABLE_BYTES = 1_000_000;

  private final H2Settings settings;
  private final OutputFolder out;
  private final CheckpointStore checkpoints;
  private final RunFolder outputFolder;
  private final RunFolder checkpointFolder;

  RunFolders(
      H2Settings settings, OutputFolder out, CheckpointStore checkpoints, Configuration hadoop) {
    this.settings = settings;
    this.out = out;
    this.checkpoints = checkpoints;
    outputFolder = new RunFolder(out.uri(), "h2.output.uri", "output folder", hadoop);
    checkpointFolder =
        new RunFolder(checkpoints.uri(), "h2.checkpoint.uri", "checkpoint folder", hadoop);
  }

  /** Refuses what can be known to fail or to harm before training; writes nothing. */
  void check() {
    outputFolder.check(out::foreign, TABLE_BYTES, 1, "the result tables");
    // With overwrite the old checkpoints make room for the new, otherwise they are resumed from.
    long needed = Math.max(0, CheckpointEstimate.runBytes(settings) - checkpointFolder.bytesUsed());
    checkpointFolder.check(
        checkpoints::foreign,
        needed,
        settings.seeds().size(),
        "the checkpoints of "
            + count(settings.seeds().size(), "seed")
            + " x "
            + count(settings.data().tasks(), "task")
            + " ("
            + FreeSpace.format(CheckpointEstimate.runBytes(settings))
            + " in all at base width "
            + settings.model().baseWidth()
            + ")");
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /** Both folders, taken by one run. */
  static final class Taken implements AutoCloseable {
    private final RunFolder.Taken output;
    private final RunFolder.Taken checkpoints;

    private Taken(RunFolder.Taken output, RunFolder.Taken checkpoints) {
      this.output = output;
      this.checkpoints = checkpoints;
    }

    @Override
    public void close() {
      checkpoints.close();
      output.close();
    }
  }

  /**
   * Creates, locks and marks the output folder, then the checkpoint folder (by default inside it).
   *
   * @throws StorageException when either cannot be taken; neither is then changed
   */
  Taken take(String runId, Instant started) {
    RunFolder.Taken output =
        outputFolder.take(runId, started, "output folder of run " + runId + " (" + started + ")");
    try {
      return new Taken(
          output,
          checkpointFolder.take(
              runId, started, "checkpoint folder of run " + runId + " (" + started + ")"));
    } catch (RuntimeException e) {
      output.undo();
      throw e;
    }
  }
}
