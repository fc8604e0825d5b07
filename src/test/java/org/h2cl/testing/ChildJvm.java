package org.h2cl.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs like this test JVM: same flags, class path, ND4J. */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * {@code java <this JVM's flags> -cp <this class path> mainClass args}, its temporary files in
   * {@code tmp}.
   */
  public static List<String> command(Path tmp, Class<?> mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The add-opens flags Spark needs and the ND4J build to load, as surefire's argLine has them.
      if (a.startsWith("--add-opens") || a.startsWith("-D")) {
        command.add(a);
      }
    }
    // A short run: the client compiler and one GC thread start faster on a busy machine.
    command.addAll(List.of("-Xmx2g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.add("-Djava.io.tmpdir=" + tmp);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    return command;
  }
}
