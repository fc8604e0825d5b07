package org.h2cl.results;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code run} table records besides the seeds' own results.
 *
 * @param benchmark the benchmark trained, e.g. "Split MNIST" ({@code DataSource.benchmark}): the
 *     summary table and the printed table name it
 * @param configJson the resolved settings ({@code H2Settings.rendered()})
 * @param master the Spark master the run used
 * @param sparkAppId Spark's id of the application: the event log's name, the history server's key
 * @param failures seeds that failed for good; a run with failures is not complete
 */
public record RunInfo(
    String runId,
    String benchmark,
    Instant startedAt,
    Instant endedAt,
    String configJson,
    String fingerprint,
    Versions versions,
    String master,
    String sparkAppId,
    String outputUri,
    String checkpointUri,
    List<SeedFailure> failures) {

  public RunInfo {
    failures = List.copyOf(failures);
  }

  /** Whether every seed finished; only then does the output get its finished-run marker. */
  public boolean complete() {
    return failures.isEmpty();
  }
}
