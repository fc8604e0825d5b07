package org.h2cl.checkpoint;

/**
 * A checkpoint cannot be written or read back: the file is truncated or corrupted, lacks an
 * expected entry, or was written under another configuration. The message names the file and what
 * was expected.
 */
public final class CheckpointException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
