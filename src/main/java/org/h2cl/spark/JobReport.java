package org.h2cl.spark;

import java.util.List;
import org.h2cl.h2.SeedResult;
import org.h2cl.results.SeedFailure;

/**
 * What a run of {@link H2Job} produced.
 *
 * @param outputUri the fully qualified output folder
 * @param results the seeds that finished, by seed
 * @param failures the seeds that failed for good, by seed
 * @param paperTable the summary as printed
 */
public record JobReport(
    String runId,
    String outputUri,
    List<SeedResult> results,
    List<SeedFailure> failures,
    String paperTable) {

  public JobReport {
    results = List.copyOf(results);
    failures = List.copyOf(failures);
  }

  /** Whether every seed finished (the output then carries the finished-run marker). */
  public boolean complete() {
    return failures.isEmpty();
  }
}
