package org.h2cl.results;

import java.io.Serializable;

/**
 * A seed that failed for good (after Spark's retries), with the error that ended its last attempt.
 *
 * @param error one line: the exception's class and message
 */
public record SeedFailure(int seed, String error) implements Serializable {}
