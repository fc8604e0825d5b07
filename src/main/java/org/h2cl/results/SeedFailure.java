package org.h2cl.results;

import java.io.Serializable;

/**
 * A seed that failed for good (after Spark's retries), with the error that ended its last attempt.
 *
 * @param method the method the seed trained
 * @param error one line: the exception's class and message
 */
public record SeedFailure(String method, int seed, String error) implements Serializable {

  /** A seed of faithful H² (runs of one method). */
  public SeedFailure(int seed, String error) {
    this("h2", seed, error);
  }
}
