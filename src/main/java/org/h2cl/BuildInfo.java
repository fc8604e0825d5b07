package org.h2cl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this jar was built for (backend, JavaCPP platform extension of its natives, version), from
 * the build.properties Maven writes into it. {@code java -cp JAR org.h2cl.BuildInfo KEY...} prints
 * their values, one per line: submit/cluster.sh asks the jar it submits, in one JVM, for its
 * backend and the natives its executors must load.
 */
public final class BuildInfo {

  private BuildInfo() {}

  /** The build's properties: backend, platform-extension, version. */
  public static Properties properties() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in == null) {
        throw new IllegalStateException("org/h2cl/build.properties is missing from the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public static void main(String[] args) {
    Properties p = properties();
    if (args.length == 0 || java.util.Arrays.stream(args).anyMatch(k -> p.getProperty(k) == null)) {
      System.err.println("usage: BuildInfo backend|platform-extension|version ...");
      System.exit(2);
    }
    for (String key : args) {
      System.out.println(p.getProperty(key));
    }
  }
}
