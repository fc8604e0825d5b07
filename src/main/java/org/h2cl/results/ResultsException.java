package org.h2cl.results;

/** The output folder cannot be read or written, or holds something a run must not replace. */
public final class ResultsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ResultsException(String message) {
    super(message);
  }

  public ResultsException(String message, Throwable cause) {
    super(message, cause);
  }
}
